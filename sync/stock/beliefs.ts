// A channel takes a sold unit off its own stock the moment it sells it; the hub learns of
// the sale when the order lands. When a new order lands, the selling channel's belief (what
// the hub thinks it shows) drops by the units sold, so that the hub neither re-sends a value
// the channel already has nor, in strict mode, counts those units twice. The SKUs are queued
// for target recomputation in the same transaction (strict shares follow the beliefs).
import { Prisma, type PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { listingsLockedInIdOrder } from '../../core/db/listing-locks.ts';

export async function takeSoldUnits(
  prisma: PrismaClient,
  accountId: string,
  units: Map<string, number>,
): Promise<void> {
  const codes = [...units.keys()];
  if (codes.length === 0) return;
  await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ sku_id: string }[]>`
      ${listingsLockedInIdOrder(
        Prisma.sql`account_id = ${accountId} AND sku_id IN (SELECT id FROM skus WHERE code = ANY(${codes}::text[]))`,
      )}
      UPDATE listings l SET last_confirmed_qty = GREATEST(0, l.last_confirmed_qty - u.units)
        FROM locked k, unnest(${codes}::text[], ${codes.map((c) => units.get(c) ?? 0)}::int[]) AS u(code, units)
        JOIN skus s ON s.code = u.code
       WHERE l.id = k.id AND l.account_id = ${accountId} AND l.sku_id = s.id AND l.last_confirmed_qty IS NOT NULL
         -- A till's listings carry the units it holds back, which its own sales do not change (stock-targets.ts).
         AND NOT EXISTS (SELECT 1 FROM channel_accounts a WHERE a.id = l.account_id AND a.settings->>'stockTarget' = 'held')
      RETURNING l.sku_id`;
    if (rows.length) {
      await tx.$executeRaw`
        INSERT INTO outbox_events (kind, payload)
        VALUES ('stock.recompute', jsonb_build_object('skuIds', ${JSON.stringify(rows.map((r) => r.sku_id))}::jsonb))`;
    }
  });
}
