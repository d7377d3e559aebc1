// The normalized order model: what every connector's mapping produces from a
// channel payload (an OrderDraft), validated here before core touches the database.
// Money fields are integer minor units in the draft's `currency` (the shop's
// currency); the buyer's presentment currency is kept beside it when it differs.
import { z } from 'zod';
import { INSTANT_RANGE_MESSAGE, instantInRange } from '../instant.ts';
import { CurrencySchema } from '../money/money.ts';
import { FulfilmentMethodSchema, PaymentStatusSchema } from './state-machine.ts';
import { VAT_ID_PATTERN } from './vat-id.ts';

const minor = z.number().int().safe();
const nonNegMinor = minor.nonnegative();
const quantity = z.number().int().nonnegative().max(1_000_000);
/** Channel timestamps: ISO-8601 with an offset, stored as UTC, within the range core/instant.ts accepts. */
const instant = z.iso.datetime({ offset: true }).refine((v) => instantInRange(Date.parse(v)), INSTANT_RANGE_MESSAGE);

export const AddressSchema = z.object({
  name: z.string().max(255).nullish(),
  company: z.string().max(255).nullish(),
  line1: z.string().max(255).nullish(),
  line2: z.string().max(255).nullish(),
  city: z.string().max(255).nullish(),
  /** Province or state code where the channel gives one (e.g. "ON", "CA"). */
  region: z.string().max(255).nullish(),
  postalCode: z.string().max(64).nullish(),
  /** ISO 3166-1 alpha-2. */
  countryCode: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
    .nullish(),
  phone: z.string().max(64).nullish(),
});
export type Address = z.infer<typeof AddressSchema>;

export const CustomerSchema = z.object({
  externalId: z.string().max(255).nullish(),
  name: z.string().max(255).nullish(),
  // Marketplaces hand out relay addresses; accept any shape, cap the length.
  email: z.string().max(320).nullish(),
  phone: z.string().max(64).nullish(),
});
export type Customer = z.infer<typeof CustomerSchema>;

export const TaxLineSchema = z.object({
  title: z.string().max(255),
  /** Decimal fraction as the channel states it, e.g. "0.2" for 20 %; kept as text, never used for money. */
  rate: z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .nullish(),
  amount: minor,
});
export type TaxLine = z.infer<typeof TaxLineSchema>;

export const DiscountSchema = z.object({
  code: z.string().max(255).nullish(),
  title: z.string().max(255).nullish(),
  amount: nonNegMinor,
});
export type Discount = z.infer<typeof DiscountSchema>;

export const OrderLineDraftSchema = z.object({
  channelLineId: z.string().min(1).max(255),
  /** Null when the channel line has no SKU (a custom item): kept, never reserved, reported as unmapped. */
  sku: z.string().min(1).max(255).nullable(),
  title: z.string().max(1024),
  variantTitle: z.string().max(1024).nullish(),
  /** Quantity after the channel's removals and edits (Shopify `currentQuantity`). */
  quantity,
  /** Units the channel reports fulfilled (shipped or handed over). */
  fulfilledQuantity: quantity.default(0),
  unitPrice: nonNegMinor,
  /** Line-level discount total (allocations of order discounts included). */
  discountTotal: nonNegMinor.default(0),
  taxLines: z.array(TaxLineSchema).default([]),
  discounts: z.array(DiscountSchema).default([]),
  /**
   * The channel's ids of the item sold (Shopify product / variant gid, a Square catalog
   * variation id, an eBay item id): when the SKU text is missing or unknown, ingestion matches
   * the line by them against the account's listings (core/orders/line-skus.ts).
   */
  externalProductId: z.string().max(255).nullish(),
  externalVariantId: z.string().max(255).nullish(),
  requiresShipping: z.boolean().default(true),
});
export type OrderLineDraft = z.infer<typeof OrderLineDraftSchema>;

export const ShippingLineSchema = z.object({
  title: z.string().max(255),
  code: z.string().max(255).nullish(),
  price: nonNegMinor,
  taxTotal: nonNegMinor.default(0),
  discountTotal: nonNegMinor.default(0),
});
export type ShippingLine = z.infer<typeof ShippingLineSchema>;

export const TotalsSchema = z.object({
  /** Σ unit price × quantity of the lines, before discounts (Shopify's subtotal_price is after them). */
  subtotal: minor,
  discountTotal: nonNegMinor,
  shippingTotal: nonNegMinor,
  taxTotal: minor,
  /** Tips the buyer added (gratuity): neither goods nor shipping, but part of `total`. */
  tipTotal: nonNegMinor.default(0),
  total: minor,
});
export type Totals = z.infer<typeof TotalsSchema>;

/** One tracking reference of a fulfilment; any part may be missing. */
export const TrackingSchema = z.object({
  company: z.string().max(255).nullish(),
  number: z.string().max(255).nullish(),
  url: z.string().max(2048).nullish(),
});
export type Tracking = z.infer<typeof TrackingSchema>;

/** A fulfilment made on the channel itself (e.g. in Shopify's admin), with its tracking. */
export const ChannelFulfilmentSchema = z.object({
  externalId: z.string().min(1).max(255),
  /** The channel's status word (Shopify: success, cancelled, error, failure, pending, open). */
  status: z.string().max(64).nullish(),
  tracking: z.array(TrackingSchema).max(100).default([]),
  lines: z
    .array(z.object({ channelLineId: z.string().min(1).max(255), quantity }))
    .max(1000)
    .default([]),
  createdAt: instant.nullish(),
});
export type ChannelFulfilmentDraft = z.infer<typeof ChannelFulfilmentSchema>;

/** A location as the channel names it; core resolves it through ChannelLocation.externalLocationId. */
export const ChannelLocationRefSchema = z.object({ externalId: z.string().min(1).max(255) });

/** Facts the channel states about the order; core decides the state transitions from them. */
export const ChannelStateSchema = z.object({
  cancelled: z.boolean().default(false),
  cancelReason: z.string().max(255).nullish(),
  payment: PaymentStatusSchema,
  fulfilment: z.enum(['unfulfilled', 'partial', 'fulfilled']).default('unfulfilled'),
  /** Whether a cancellation or refund put the goods back on the shelf (restock). */
  restock: z.boolean().default(true),
});
export type ChannelState = z.infer<typeof ChannelStateSchema>;

/**
 * What a mapping may be unable to settle from the payload it has: the order can still be
 * recorded, with these fields marked unconfirmed until a fuller read of the order arrives.
 */
export const UNCONFIRMED_FIELDS = ['fulfilmentMethod'] as const;
export type UnconfirmedField = (typeof UNCONFIRMED_FIELDS)[number];

export const OrderDraftSchema = z
  .object({
    externalId: z.string().min(1).max(255),
    displayNumber: z.string().max(255).nullish(),
    currency: CurrencySchema,
    presentment: z.object({ currency: CurrencySchema, total: minor }).nullish(),
    state: ChannelStateSchema,
    customer: CustomerSchema.nullish(),
    billingAddress: AddressSchema.nullish(),
    shippingAddress: AddressSchema.nullish(),
    /**
     * The buyer's VAT id with its country prefix (EN 16931 BT-48), made by vat-id.ts from what the
     * channel gives; absent (undefined or null) keeps the one the hub has, as customer does.
     */
    buyerVatId: z.string().regex(VAT_ID_PATTERN, 'must be a VAT id with its country prefix').nullish(),
    lines: z.array(OrderLineDraftSchema).max(1000),
    shippingLines: z.array(ShippingLineSchema).default([]),
    totals: TotalsSchema,
    fulfilmentMethod: FulfilmentMethodSchema.default('ship'),
    /** For pickup orders: where the customer collects. */
    pickupLocation: ChannelLocationRefSchema.nullish(),
    /** For in-store (POS) sales: the store where the sale happened. */
    originLocation: ChannelLocationRefSchema.nullish(),
    sourceName: z.string().max(255).nullish(),
    tags: z.array(z.string().max(255)).max(250).default([]),
    /** The channel marks the order as a test (Shopify `test: true`): kept, flagged, out of the landing figures. */
    test: z.boolean().default(false),
    /**
     * The buyer asked the channel to cancel and the channel waits for the seller's answer
     * (eBay cancellation requests); null when there is none or the channel has no such thing
     * (Shopify: buyers cannot ask, only the merchant cancels).
     */
    cancelRequest: z.object({ requestedAt: instant, reason: z.string().max(500).nullish() }).nullish(),
    /**
     * The channel fulfils the order from its own stock (Amazon FBA, any marketplace-fulfilled
     * order): recorded for the merchant, but it never reserves or moves the merchant's stock and
     * never enters picking. Stock pushes are not affected.
     */
    fulfilledByChannel: z.boolean().default(false),
    /** Discount codes the buyer entered, in the channel's order. */
    discountCodes: z.array(z.string().max(255)).max(250).default([]),
    /**
     * Fulfilments made on the channel, with tracking. Absent (undefined) when the payload does not
     * say (the hub keeps what it knew); an array, even empty, replaces it.
     */
    channelFulfilments: z.array(ChannelFulfilmentSchema).max(250).optional(),
    /** Small channel reference (ids, admin URL); the full payload stays in the inbox. */
    channelRef: z.record(z.string(), z.unknown()).default({}),
    /**
     * The latest moment the channel promised the buyer (delivery, or pickup readiness), UTC: past
     * it and not yet shipped or ready, the customer gets one "delayed" mail
     * (core/notifications/delayed.ts). Absent when the payload states none: a known date stays.
     */
    promisedAt: instant.nullish(),
    channelCreatedAt: instant,
    channelUpdatedAt: instant,
    /** Fields given a provisional value (e.g. `ship` for a delivery method the payload does not state). */
    unconfirmed: z.array(z.enum(UNCONFIRMED_FIELDS)).default([]),
  })
  .superRefine((d, ctx) => {
    if (d.fulfilmentMethod === 'pickup' && !d.pickupLocation) {
      ctx.addIssue({ code: 'custom', path: ['pickupLocation'], message: 'a pickup order needs its pickup location' });
    }
    const seen = new Set<string>();
    d.lines.forEach((l, i) => {
      if (seen.has(l.channelLineId)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'channelLineId'], message: 'duplicate channel line id' });
      }
      seen.add(l.channelLineId);
      if (l.fulfilledQuantity > l.quantity) {
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'fulfilledQuantity'],
          message: 'cannot exceed the line quantity',
        });
      }
    });
  });
export type OrderDraft = z.output<typeof OrderDraftSchema>;
export type OrderDraftInput = z.input<typeof OrderDraftSchema>;
