// The least a REST-shaped webhook body must be for mapping.ts to read it: the fields it
// follows without a guard (ids, quantities, the line list). Checked before mapping, so a body
// that is valid JSON but not the topic's shape ([1,2,3], {}, a line without a quantity) fails
// with the JSON path at fault — a content error, given up at once as an exception — instead of
// a TypeError deep in the mapping. Field names as in payloads.ts (shopify.dev REST Order and
// Refund resources); unknown fields pass through untouched.
import { z } from 'zod';
import type { RestOrder, RestRefund } from './payloads.ts';

const id = z.union([z.number().int(), z.string().min(1)]);
const count = z.number().int().nonnegative();

export const RestOrderShape = z.looseObject({
  id,
  currency: z.string(),
  created_at: z.string(),
  line_items: z.array(
    z.looseObject({ id, quantity: count, current_quantity: count.nullish(), sku: z.string().nullish() }),
  ),
});

export const RestRefundShape = z.looseObject({
  id,
  order_id: id,
  refund_line_items: z.array(z.looseObject({ quantity: count })).nullish(),
  transactions: z.array(z.looseObject({})).nullish(),
});

/** The body as a REST order, or a ZodError naming the first fields at fault. */
export function restOrderBody(payload: unknown): RestOrder {
  return RestOrderShape.parse(payload) as unknown as RestOrder;
}

/** The body as a REST refund, or a ZodError naming the first fields at fault. */
export function restRefundBody(payload: unknown): RestRefund {
  return RestRefundShape.parse(payload) as unknown as RestRefund;
}
