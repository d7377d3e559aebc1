// The orders list's filters as a Prisma where clause, and the search both doors share.
import type { z } from '@hono/zod-openapi';
import type { Prisma } from '../../../core/db/generated/prisma/client.ts';
import type { RawSql } from '../../../core/db/sql.ts';
import type { OrderListQuery } from './schemas.ts';

export type OrderFilters = z.infer<typeof OrderListQuery>;

/** Escapes LIKE wildcards so a search for "a_b%" finds exactly that. */
function likePrefix(q: string): string {
  return `${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Ids of orders matching `q`: the display number (`#1001` or `1001`), the channel's order id,
 * or the start of the customer's e-mail, case-insensitively. At most 1,000.
 */
export async function searchOrderIds(prisma: RawSql, q: string): Promise<string[]> {
  const bare = q.replace(/^#/, '');
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT id FROM orders
     WHERE display_number IN (${q}, ${`#${bare}`}, ${bare})
        OR external_id = ${q}
        OR lower(customer->>'email') LIKE ${likePrefix(q)}
     LIMIT 1000`;
  return rows.map((r) => r.id);
}

export function orderWhere(
  f: OrderFilters,
  locations: string[] | undefined,
  after: { t: string; id: string } | undefined,
  searchIds?: string[],
): Prisma.OrderWhereInput {
  const and: Prisma.OrderWhereInput[] = [];
  if (f.status) and.push({ status: { in: f.status } });
  if (f.accountId) and.push({ accountId: f.accountId });
  if (f.test !== undefined) and.push({ test: f.test });
  if (locations) {
    and.push({
      OR: [{ pickupLocationId: { in: locations } }, { reservations: { some: { locationId: { in: locations } } } }],
    });
  }
  if (f.createdFrom || f.createdTo) {
    and.push({
      channelCreatedAt: {
        ...(f.createdFrom ? { gte: new Date(f.createdFrom) } : {}),
        ...(f.createdTo ? { lt: new Date(f.createdTo) } : {}),
      },
    });
  }
  if (searchIds) and.push({ id: { in: searchIds } });
  if (after) {
    const t = new Date(after.t);
    and.push({ OR: [{ channelCreatedAt: { lt: t } }, { channelCreatedAt: t, id: { lt: after.id } }] });
  }
  return and.length ? { AND: and } : {};
}
