// The published body of the generic till webhook (POST /webhooks/{accountId}): one event per
// delivery, of four kinds. This schema is the contract a till integrator codes against; it is
// served in the OpenAPI document (api/rest/index.ts) and checked before anything is stored, so a
// malformed body is answered 400 naming the field and never reaches the inbox.
// Money is integer minor units of an ISO 4217 currency; quantities are integers; times are
// ISO-8601 with an offset. Lines name the hub SKU code (the till's item code must be the SKU).
import { z } from 'zod';
import { CurrencySchema } from '../../core/money/money.ts';
import { INSTANT_RANGE_MESSAGE, instantInRange } from '../../core/instant.ts';

const id = z.string().trim().min(1).max(255);
const minor = z.number().int().safe().nonnegative();
const units = z.number().int().positive().max(1_000_000);
const instant = z.iso.datetime({ offset: true }).refine((v) => instantInRange(Date.parse(v)), INSTANT_RANGE_MESSAGE);

/** One line sold or ordered: a SKU, a whole quantity and its prices in minor units. */
export const TillLineSchema = z.object({
  sku: id.describe('The hub SKU code of the item'),
  quantity: units,
  unitPrice: minor.describe('Price of one unit before discounts, minor units'),
  discount: minor.default(0).describe('Discount on the whole line, minor units'),
  tax: minor.default(0).describe('Tax on the whole line, minor units'),
  title: z.string().max(1024).optional(),
});

const lines = z
  .array(TillLineSchema)
  .min(1)
  .max(1000)
  .superRefine((ls, ctx) => {
    // A SKU is a line: the hub refers to till lines by SKU (returns name them so).
    const seen = new Set<string>();
    ls.forEach((l, i) => {
      if (seen.has(l.sku)) {
        ctx.addIssue({ code: 'custom', path: [i, 'sku'], message: 'appears twice: give one line per SKU' });
      }
      seen.add(l.sku);
    });
  });

const common = {
  eventId: id.describe('Unique per event; a second delivery with the same id is stored once'),
  occurredAt: instant.describe('When it happened at the till, ISO-8601 with offset'),
  location: id.describe("The till's store id, as set on the account's location link (externalLocationId)"),
};

const customer = z.object({
  name: z.string().max(255).nullish(),
  email: z.string().max(320).nullish(),
  phone: z.string().max(64).nullish(),
});

const address = z.object({
  name: z.string().max(255).nullish(),
  line1: z.string().min(1).max(255),
  line2: z.string().max(255).nullish(),
  city: z.string().min(1).max(255),
  region: z.string().max(255).nullish(),
  postalCode: z.string().max(64).nullish(),
  countryCode: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'),
  phone: z.string().max(64).nullish(),
});

/** Sold over the counter: paid and handed over at once, from the store's stock. */
export const TillSaleSchema = z.object({
  kind: z.literal('sale'),
  ...common,
  receipt: id.describe("The till's receipt (order) id"),
  currency: CurrencySchema,
  lines,
  total: minor.describe('What the customer paid, minor units'),
});

/** Ordered at the till for home delivery (endless aisle): shipped through the hub's shipping flow. */
export const TillDeliveryOrderSchema = z.object({
  kind: z.literal('delivery_order'),
  ...common,
  receipt: id,
  currency: CurrencySchema,
  lines,
  shipping: minor.default(0).describe('Delivery charge, minor units'),
  total: minor,
  customer: customer.optional(),
  shippingAddress: address,
});

/**
 * Goods brought back to the store (`location`). `order` names what is returned: a receipt of
 * this till (`{ receipt }`) or an order of another channel of the hub (`{ accountId,
 * externalId }`, e.g. a web order). The goods are restocked at `location` when `restock`.
 */
export const TillReturnSchema = z.object({
  kind: z.literal('return'),
  ...common,
  returnId: id,
  order: z.union([
    z.object({ receipt: id }),
    z.object({ accountId: id.describe('The hub channel account the order was sold on'), externalId: id }),
  ]),
  lines: z
    .array(z.object({ sku: id, quantity: units }))
    .min(1)
    .max(1000),
  restock: z.boolean().default(true),
  refund: z.object({ amount: minor, currency: CurrencySchema }).nullish(),
  reason: z.string().max(500).nullish(),
});

/** A physical count at the store: on hand becomes the counted quantity per SKU. */
export const TillCountSchema = z.object({
  kind: z.literal('count'),
  ...common,
  counts: z
    .array(z.object({ sku: id, onHand: z.number().int().nonnegative().max(1_000_000_000) }))
    .min(1)
    .max(5000),
});

export const TillEventSchema = z.discriminatedUnion('kind', [
  TillSaleSchema,
  TillDeliveryOrderSchema,
  TillReturnSchema,
  TillCountSchema,
]);
export type TillEvent = z.output<typeof TillEventSchema>;
export type TillEventInput = z.input<typeof TillEventSchema>;
export type TillSale = z.output<typeof TillSaleSchema>;
export type TillDeliveryOrder = z.output<typeof TillDeliveryOrderSchema>;
export type TillReturn = z.output<typeof TillReturnSchema>;
export type TillCount = z.output<typeof TillCountSchema>;

/** The inbox topic of each kind ("till/sale", ...). */
export const topicOf = (kind: TillEvent['kind']) => `till/${kind}`;
