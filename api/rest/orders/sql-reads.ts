// The order routes' reads in plain SQL over any RawSql (`pg` on the edge, where the Prisma
// client does not run). Each statement selects what routes.ts's Prisma query returns, under
// Prisma's field names, so read-routes.ts shapes both alike; tests/worker/edge-api.test.ts
// compares the two doors' JSON for the same rows. Filters are parameters (NULL = not asked),
// not assembled text: RawSql takes tagged templates only.
import type { RawSql } from '../../../core/db/sql.ts';
import type { OrderReads } from './read-routes.ts';
import type { DetailRow, OrderRow } from './shape.ts';

type Flat<R> = Omit<R, 'account'> & { accountType: string };

const withAccount = <R extends { accountType: string }>({ accountType, ...r }: R) => ({
  ...r,
  account: { type: accountType },
});

export function sqlOrderReads(sql: RawSql): OrderReads {
  return {
    sql,
    async list(f, locations, after, ids) {
      const from = f.createdFrom ? new Date(f.createdFrom).toISOString() : null;
      const to = f.createdTo ? new Date(f.createdTo).toISOString() : null;
      const afterT = after ? new Date(after.t).toISOString() : null;
      const rows = await sql.$queryRaw<Flat<OrderRow>[]>`
        SELECT o.id, o.account_id AS "accountId", o.external_id AS "externalId",
               o.display_number AS "displayNumber", o.status::text AS status, o.hold_reason AS "holdReason",
               o.payment_status::text AS "paymentStatus", o.fulfilment_method::text AS "fulfilmentMethod",
               o.pickup_location_id AS "pickupLocationId", o.unconfirmed, o.customer, o.test,
               o.fulfilled_by_channel AS "fulfilledByChannel", o.currency, o.total,
               o.channel_created_at AS "channelCreatedAt", o.created_at AS "createdAt",
               o.updated_at AS "updatedAt", a.type::text AS "accountType"
          FROM orders o JOIN channel_accounts a ON a.id = o.account_id
         WHERE (${f.status ?? null}::text[] IS NULL OR o.status::text = ANY(${f.status ?? null}::text[]))
           AND (${f.accountId ?? null}::text IS NULL OR o.account_id = ${f.accountId ?? null})
           AND (${f.test ?? null}::boolean IS NULL OR o.test = ${f.test ?? null})
           AND (${locations ?? null}::text[] IS NULL
                OR o.pickup_location_id = ANY(${locations ?? null}::text[])
                OR EXISTS (SELECT 1 FROM reservations r
                            WHERE r.order_id = o.id AND r.location_id = ANY(${locations ?? null}::text[])))
           AND (${from}::timestamptz IS NULL OR o.channel_created_at >= ${from}::timestamptz)
           AND (${to}::timestamptz IS NULL OR o.channel_created_at < ${to}::timestamptz)
           AND (${ids ?? null}::text[] IS NULL OR o.id = ANY(${ids ?? null}::text[]))
           AND (${afterT}::timestamptz IS NULL OR o.channel_created_at < ${afterT}::timestamptz
                OR (o.channel_created_at = ${afterT}::timestamptz AND o.id < ${after?.id ?? null}))
         ORDER BY o.channel_created_at DESC, o.id DESC
         LIMIT ${f.limit + 1}`;
      return rows.map(withAccount);
    },

    async get(id) {
      const orders = await sql.$queryRaw<
        Flat<Omit<DetailRow, 'lines' | 'events' | 'reservations' | 'fulfilments' | 'returns'>>[]
      >`
        SELECT o.id, o.account_id AS "accountId", o.external_id AS "externalId",
               o.display_number AS "displayNumber", o.status::text AS status, o.hold_reason AS "holdReason",
               o.payment_status::text AS "paymentStatus", o.fulfilment_method::text AS "fulfilmentMethod",
               o.pickup_location_id AS "pickupLocationId", o.unconfirmed, o.customer, o.test,
               o.fulfilled_by_channel AS "fulfilledByChannel", o.currency, o.total,
               o.channel_created_at AS "channelCreatedAt", o.created_at AS "createdAt",
               o.updated_at AS "updatedAt", a.type::text AS "accountType",
               o.subtotal, o.discount_total AS "discountTotal", o.shipping_total AS "shippingTotal",
               o.tax_total AS "taxTotal", o.tip_total AS "tipTotal", o.discount_codes AS "discountCodes",
               o.channel_fulfilments AS "channelFulfilments", o.billing_address AS "billingAddress",
               o.shipping_address AS "shippingAddress", o.shipping_lines AS "shippingLines", o.payment,
               o.tags, o.channel_ref AS "channelRef", o.ready_for_pickup_at AS "readyForPickupAt",
               o.collected_at AS "collectedAt", o.channel_updated_at AS "channelUpdatedAt",
               o.cancel_requested_at AS "cancelRequestedAt", o.cancel_request_reason AS "cancelRequestReason",
               o.cancel_request_outcome AS "cancelRequestOutcome", o.closed_at AS "closedAt",
               o.personal_data_erased_at AS "personalDataErasedAt"
          FROM orders o JOIN channel_accounts a ON a.id = o.account_id
         WHERE o.id = ${id}`;
      const order = orders[0];
      if (!order) return null;
      // The same order of rows as the Prisma query's orderBy in routes.ts.
      const lines = await sql.$queryRaw<DetailRow['lines']>`
        SELECT id, channel_line_id AS "channelLineId", sku_code AS "skuCode", title, position, quantity,
               unit_price AS "unitPrice", discount_total AS "discountTotal", tax_total AS "taxTotal",
               tax_lines AS "taxLines", discounts, fulfilled_qty AS "fulfilledQty",
               returned_qty AS "returnedQty", cancelled_qty AS "cancelledQty"
          FROM order_lines WHERE order_id = ${id} ORDER BY position, channel_line_id`;
      const events = await sql.$queryRaw<DetailRow['events']>`
        SELECT id, from_status::text AS "fromStatus", to_status::text AS "toStatus", actor, reason,
               created_at AS "createdAt"
          FROM order_events WHERE order_id = ${id} ORDER BY id`;
      // Every column, as Prisma's include gives them (the shape passes them on).
      const reservations = await sql.$queryRaw<DetailRow['reservations']>`
        SELECT id, order_id AS "orderId", order_line_id AS "orderLineId", sku_id AS "skuId",
               location_id AS "locationId", quantity, backordered, status::text AS status,
               created_at AS "createdAt", updated_at AS "updatedAt"
          FROM reservations WHERE order_id = ${id} ORDER BY created_at, id`;
      const fulfilments = await sql.$queryRaw<DetailRow['fulfilments']>`
        SELECT id, order_id AS "orderId", location_id AS "locationId", method::text AS method, status,
               tracking_company AS "trackingCompany", tracking_number AS "trackingNumber",
               tracking_url AS "trackingUrl", lines, external_id AS "externalId",
               idempotency_key AS "idempotencyKey", pushed_at AS "pushedAt", last_error AS "lastError",
               created_at AS "createdAt"
          FROM fulfilments WHERE order_id = ${id} ORDER BY created_at, id`;
      const returns = await sql.$queryRaw<DetailRow['returns']>`
        SELECT id, order_id AS "orderId", lines, reason, external_id AS "externalId",
               idempotency_key AS "idempotencyKey", refund_amount AS "refundAmount",
               refund_currency AS "refundCurrency", created_at AS "createdAt"
          FROM returns WHERE order_id = ${id} ORDER BY created_at, id`;
      return { ...withAccount(order), lines, events, reservations, fulfilments, returns };
    },
  };
}
