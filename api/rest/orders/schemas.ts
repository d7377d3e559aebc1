import { z } from '@hono/zod-openapi';
import { MANUAL_HOLD_REASONS, ORDER_STATUSES } from '../../../core/order/state-machine.ts';
import { BoolQuery, listParam, MoneySchema, page, PageQuery, Timestamp } from '../schemas.ts';

const Status = z.enum(ORDER_STATUSES);

export const OrderListQuery = PageQuery.extend({
  status: listParam(Status).openapi({ description: 'One status or several, comma-separated' }),
  accountId: z.string().optional(),
  locationId: z.string().optional().openapi({ description: 'Orders picked up at, or holding stock at, this location' }),
  createdFrom: z.iso
    .datetime({ offset: true })
    .optional()
    .openapi({ description: 'Placed at or after (channel time)' }),
  createdTo: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Placed before (channel time)' }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .optional()
    .openapi({ description: 'Display number (#1001 or 1001), channel order id, or customer e-mail (prefix)' }),
  test: BoolQuery.openapi({
    type: 'string',
    enum: ['true', 'false'],
    description: 'true: only test orders (Shopify `test: true`); false: only real ones; omitted: both',
  }),
});

export const OrderSummarySchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    channel: z.string(),
    externalId: z.string(),
    displayNumber: z.string().nullable(),
    status: Status,
    holdReason: z.string().nullable(),
    paymentStatus: z.string(),
    fulfilmentMethod: z.enum(['ship', 'pickup', 'unknown']).openapi({
      description:
        'unknown: the channel could not be read to say (the order is held as a shipment meanwhile; see unconfirmed)',
    }),
    pickupLocationId: z.string().nullable(),
    unconfirmed: z.array(z.string()).openapi({
      description:
        'Fields recorded without the channel confirming them, e.g. fulfilmentMethod while the re-read that settles ' +
        'it is pending; empty once a full read of the order arrived',
    }),
    customer: z
      .object({
        name: z.string().nullable(),
        email: z.string().nullable(),
        phone: z.string().nullable().openapi({ description: "The order's phone, else the customer's" }),
      })
      .nullable(),
    test: z.boolean().openapi({ description: 'The channel marks it a test order; left out of the landing figures' }),
    fulfilledByChannel: z.boolean().openapi({
      description:
        "The channel fulfils it from its own stock (e.g. Amazon FBA): recorded only, it never reserves or moves the merchant's stock and is never picked",
    }),
    total: MoneySchema,
    channelCreatedAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi('OrderListItem');
export const OrderPageSchema = page(OrderSummarySchema, 'OrderPage');

const json = z.unknown();

const TaxLineSchema = z
  .object({
    title: z.string(),
    rate: z.string().nullable().openapi({ description: 'Decimal fraction as the channel states it ("0.2" = 20 %)' }),
    amount: MoneySchema,
  })
  .openapi('TaxLine');
const LineDiscountSchema = z
  .object({ code: z.string().nullable(), title: z.string().nullable(), amount: MoneySchema })
  .openapi('LineDiscount');
const ChannelFulfilmentSchema = z
  .object({
    externalId: z.string(),
    status: z.string().nullable(),
    tracking: z.array(
      z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }),
    ),
    lines: z.array(z.object({ channelLineId: z.string(), quantity: z.number().int() })),
    createdAt: z.string().nullable(),
  })
  .openapi('ChannelFulfilment');

export const OrderDetailSchema = OrderSummarySchema.extend({
  subtotal: MoneySchema.openapi({
    description:
      'Σ unit price × quantity of the lines, BEFORE discounts (Shopify subtotal_price is after them: ' +
      'subtotal − discountTotal)',
  }),
  discountTotal: MoneySchema,
  shippingTotal: MoneySchema,
  taxTotal: MoneySchema,
  tipTotal: MoneySchema.openapi({ description: 'Tips the buyer added; included in total' }),
  discountCodes: z.array(z.string()).openapi({ description: 'Codes the buyer entered' }),
  channelFulfilments: z.array(ChannelFulfilmentSchema).openapi({
    description: 'Fulfilments made on the channel itself (e.g. in the Shopify admin), with their tracking',
  }),
  billingAddress: json,
  shippingAddress: json,
  shippingLines: json,
  payment: json,
  tags: z.array(z.string()),
  channelRef: json,
  readyForPickupAt: Timestamp.nullable(),
  collectedAt: Timestamp.nullable(),
  channelUpdatedAt: Timestamp,
  cancelRequest: z
    .object({
      requestedAt: Timestamp,
      reason: z.string().nullable(),
      outcome: z.enum(['approved', 'declined']).nullable().openapi({ description: 'null while waiting for an answer' }),
    })
    .nullable()
    .openapi({
      description:
        'The buyer asked the channel to cancel: the order is held until POST /orders/{id}/cancel-request/approve or /decline',
    }),
  closedAt: Timestamp.nullable().openapi({
    description: 'When nothing was left to hand over; retention counts from here',
  }),
  personalDataErasedAt: Timestamp.nullable().openapi({
    description: "When the buyer's name, contact and addresses were erased (the order and its money stay)",
  }),
  lines: z.array(
    z.object({
      id: z.string(),
      channelLineId: z.string(),
      skuCode: z.string().nullable(),
      title: z.string(),
      quantity: z.number().int(),
      position: z.number().int().openapi({ description: "The line's index in the channel's order" }),
      unitPrice: MoneySchema,
      discountTotal: MoneySchema,
      taxTotal: MoneySchema,
      taxLines: z.array(TaxLineSchema),
      discounts: z.array(LineDiscountSchema),
      fulfilledQty: z.number().int(),
      returnedQty: z.number().int(),
      cancelledQty: z.number().int(),
    }),
  ),
  events: z.array(
    z.object({
      id: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string(),
      actor: z.string(),
      reason: z.string().nullable(),
      createdAt: Timestamp,
    }),
  ),
  reservations: z.array(
    z.object({
      id: z.string(),
      orderLineId: z.string(),
      skuId: z.string(),
      locationId: z.string(),
      quantity: z.number().int(),
      backordered: z.number().int(),
      status: z.enum(['active', 'released', 'committed']),
      createdAt: Timestamp,
    }),
  ),
  fulfilments: z.array(
    z.object({
      id: z.string(),
      locationId: z.string().nullable(),
      method: z.enum(['ship', 'pickup']),
      status: z.string(),
      tracking: z.object({ company: z.string().nullable(), number: z.string().nullable(), url: z.string().nullable() }),
      lines: json,
      pushedAt: Timestamp.nullable(),
      lastError: z.string().nullable(),
      createdAt: Timestamp,
    }),
  ),
  returns: z.array(
    z.object({
      id: z.string(),
      lines: json,
      reason: z.string().nullable(),
      externalId: z.string().nullable(),
      refund: MoneySchema.nullable().openapi({ description: 'Money given back; null when the channel did not say' }),
      createdAt: Timestamp,
    }),
  ),
}).openapi('Order');

export const ActionResultSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    externalId: z.string(),
    displayNumber: z.string().nullable(),
    status: Status,
    holdReason: z.string().nullable(),
    fulfilmentMethod: z.enum(['ship', 'pickup']),
    pickupLocationId: z.string().nullable(),
    readyForPickupAt: Timestamp.nullable(),
    collectedAt: Timestamp.nullable(),
  })
  .openapi('OrderActionResult');

export const ReadyResultSchema = ActionResultSchema.extend({
  pickupCode: z.string().openapi({ description: 'Give it to the customer; they show it at the counter' }),
}).openapi('ReadyForPickupResult');

const lineQty = z.object({ orderLineId: z.string().min(1), quantity: z.number().int().min(1).max(1_000_000) });
const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .openapi({ description: 'The same key twice acts once (the Idempotency-Key header works too)' });

export const HoldBody = z
  .object({ reason: z.enum(MANUAL_HOLD_REASONS).default('manual'), note: z.string().trim().max(500).optional() })
  .openapi('HoldOrder');
export const NoteBody = z.object({ note: z.string().trim().max(500).optional() }).openapi('Note');
export const ReasonBody = z.object({ reason: z.string().trim().max(500).optional() }).openapi('Reason');
export const ShipBody = z
  .object({
    lines: z.array(lineQty).max(1000).optional().openapi({ description: 'Omitted: everything still open' }),
    tracking: z
      .object({
        company: z.string().max(100).optional(),
        number: z.string().max(100).optional(),
        url: z.url().max(1000).optional(),
      })
      .optional(),
    locationId: z.string().min(1).max(200).optional().openapi({ description: 'Ship from this location only' }),
    idempotencyKey,
  })
  .openapi('ShipOrder');
export const ReturnBody = z
  .object({
    lines: z
      .array(lineQty.extend({ restock: z.boolean().openapi({ description: 'Back to sellable stock' }) }))
      .min(1)
      .max(1000),
    reason: z.string().trim().max(500).optional(),
    locationId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'Where the goods arrived (restocked there); omitted: where they shipped from' }),
    refund: MoneySchema.optional().openapi({
      description: "Money given back, in the order's currency; sent to the selling channel with the refund",
    }),
    idempotencyKey,
  })
  .openapi('ReturnOrder');
export const CollectBody = z
  .object({
    code: z.string().trim().min(1).max(32).openapi({ description: "The customer's pickup code" }),
    lines: z.array(lineQty).max(1000).optional().openapi({ description: 'Partial hand-over; omitted: everything' }),
  })
  .openapi('CollectPickup');
