import { z } from '@hono/zod-openapi';
import { ADJUST_REASONS } from '../../../core/inventory/ledger.ts';
import { page, Timestamp } from '../schemas.ts';

const skuRef = z.string().min(1).max(200).openapi({ description: 'SKU id or code' });
const note = z.string().trim().max(500).optional().openapi({ description: 'Recorded on the movement' });
const qty = z.number().int().min(0).max(100_000_000);

export const LevelSchema = z
  .object({
    skuId: z.string(),
    skuCode: z.string(),
    locationId: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    safetyStock: z.number().int(),
    available: z
      .number()
      .int()
      .openapi({ description: 'max(0, onHand − reserved − safetyStock): what this location can sell' }),
    updatedAt: Timestamp,
  })
  .openapi('InventoryLevel');
export const LevelPageSchema = page(LevelSchema, 'InventoryLevelPage');

export const AdjustmentBody = z
  .object({
    sku: skuRef,
    locationId: z.string().min(1),
    delta: z
      .number()
      .int()
      .min(-100_000_000)
      .max(100_000_000)
      .refine((n) => n !== 0, 'must not be zero')
      .openapi({ description: 'Units added (positive) or removed (negative)' }),
    reason: z.enum(ADJUST_REASONS),
    note,
    reference: z.string().max(200).optional().openapi({ description: 'e.g. a delivery note number' }),
  })
  .openapi('InventoryAdjustment');

export const CountBody = z
  .object({
    sku: skuRef,
    locationId: z.string().min(1),
    counted: qty.openapi({ description: 'Units counted on the shelf' }),
    note,
  })
  .openapi('InventoryCount');

export const TransferBody = z
  .object({
    sku: skuRef,
    fromLocationId: z.string().min(1),
    toLocationId: z.string().min(1),
    quantity: qty.min(1),
    note,
  })
  .refine((t) => t.fromLocationId !== t.toLocationId, {
    message: 'must differ from fromLocationId',
    path: ['toLocationId'],
  })
  .openapi('InventoryTransfer');

export const SafetyStockBody = z
  .object({ sku: skuRef, locationId: z.string().min(1), safetyStock: qty })
  .openapi('SafetyStock');

export const TransferResultSchema = z.object({ from: LevelSchema, to: LevelSchema }).openapi('InventoryTransferResult');

export const MovementSchema = z
  .object({
    id: z.string(),
    skuId: z.string(),
    locationId: z.string(),
    kind: z.enum(['reserve', 'release', 'commit', 'adjust', 'transfer_out', 'transfer_in']),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    reason: z.string().nullable(),
    orderId: z.string().nullable(),
    reference: z.string().nullable(),
    actor: z.string(),
    createdAt: Timestamp,
  })
  .openapi('InventoryMovement');
export const MovementPageSchema = page(MovementSchema, 'InventoryMovementPage');
