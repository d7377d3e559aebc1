import { z } from '@hono/zod-openapi';
import { page, Timestamp } from '../schemas.ts';

const ALLOCATION_MODES = ['auto', 'shared', 'strict'] as const;

const skuFields = {
  code: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .openapi({ description: 'The SKU as channels spell it', example: 'TEE-BLK-M' }),
  title: z.string().trim().min(1).max(255),
  barcode: z.string().trim().max(64).nullable(),
  allowBackorder: z.boolean(),
  allocationMode: z.enum(ALLOCATION_MODES).openapi({
    description:
      'shared: every channel advertises the whole pool; strict: the pool is split; auto: strict while scarce',
  }),
};

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'letters, digits, dot, dash, colon, underscore');

export const NewSkuFields = z.object({
  id: id.optional(),
  code: skuFields.code,
  title: skuFields.title,
  barcode: skuFields.barcode.optional(),
  allowBackorder: skuFields.allowBackorder.default(false),
  allocationMode: skuFields.allocationMode.default('auto'),
});

export const NewSkuBody = NewSkuFields.extend({ productId: z.string().min(1).nullish() }).openapi('NewSku');
export const SkuPatchBody = z
  .object({ ...skuFields, productId: z.string().min(1).nullable() })
  .omit({ code: true })
  .partial()
  .openapi('SkuPatch');

export const SkuSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    productId: z.string().nullable(),
    barcode: z.string().nullable(),
    allowBackorder: z.boolean(),
    allocationMode: z.string(),
    createdAt: Timestamp,
  })
  .openapi('Sku');
export const SkuPageSchema = page(SkuSchema, 'SkuPage');

export const NewProductBody = z
  .object({
    id: id.optional(),
    title: z.string().trim().min(1).max(255),
    skus: z.array(NewSkuFields).max(500).default([]),
  })
  .openapi('NewProduct');

export const ProductSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    createdAt: Timestamp,
    skus: z.array(SkuSchema),
  })
  .openapi('Product');
export const ProductPageSchema = page(ProductSchema, 'ProductPage');

/** The connector's data about a channel item (connectors/connector.ts ChannelData): a JSON object, at most 16 KiB. */
export const ChannelDataSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 16_384, 'must be at most 16 KiB of JSON')
  .openapi({
    description:
      "The channel connector's own data about the item beyond the three ids (e.g. Amazon product type and marketplace ids, eBay offer id, Square catalog variation id); shaped by the connector",
  });

export const NewListingBody = z
  .object({
    accountId: z.string().min(1),
    sku: z.string().min(1).openapi({ description: 'Hub SKU id or code' }),
    externalProductId: z.string().max(200).nullish(),
    externalVariantId: z.string().max(200).nullish(),
    externalStockId: z.string().max(200).nullish().openapi({
      description: 'The handle stock pushes use (Shopify inventory item gid, Amazon seller SKU, eBay offer id)',
    }),
    channelData: ChannelDataSchema.optional(),
  })
  .openapi('NewListing');

export const ListingSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    skuId: z.string(),
    skuCode: z.string(),
    externalProductId: z.string().nullable(),
    externalVariantId: z.string().nullable(),
    externalStockId: z.string().nullable(),
    channelData: z.record(z.string(), z.unknown()).openapi({ description: ChannelDataSchema.description }),
  })
  .openapi('Listing');
export const ListingPageSchema = page(ListingSchema, 'ListingPage');

export const SkuStockSchema = z
  .object({
    skuId: z.string(),
    code: z.string(),
    levels: z.array(
      z.object({
        locationId: z.string(),
        onHand: z.number().int(),
        reserved: z.number().int(),
        safetyStock: z.number().int(),
        available: z.number().int(),
      }),
    ),
    channels: z
      .array(z.object({ accountId: z.string(), name: z.string(), availableToSell: z.number().int() }))
      .openapi({ description: "What each channel's stock policy advertises (before a strict split between channels)" }),
  })
  .openapi('SkuStock');
