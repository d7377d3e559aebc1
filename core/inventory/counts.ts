// A physical count reported by a channel at one of its locations (a store's till): on hand
// becomes the counted quantity per SKU, each a `count` adjustment in the ledger (setOnHand), all
// in one transaction. A count is absolute, so applying it twice leaves the same levels. What
// cannot be applied is returned, for the caller to make an exception of: SKUs the hub does not
// know, and counts below what is reserved there (units promised to orders, e.g. a pickup: the
// reservation must be settled by a person first, the ledger never holds reserved > on hand).
import type { PrismaClient } from '../db/generated/prisma/client.ts';
import { withTxRetry } from '../db/retry.ts';
import { setOnHand } from './ledger.ts';

export interface CountResult {
  applied: number;
  unknownSkus: string[];
  belowReserved: { sku: string; counted: number }[];
}

export async function applyCount(
  prisma: PrismaClient,
  locationId: string,
  counts: { sku: string; onHand: number }[],
  ctx: { actor: string; reference: string },
): Promise<CountResult> {
  const skus = await prisma.sku.findMany({
    where: { code: { in: counts.map((c) => c.sku) } },
    select: { id: true, code: true },
  });
  const idOf = new Map(skus.map((s) => [s.code, s.id]));
  // Sorted by SKU id: a fixed lock order against concurrent orders touching the same levels.
  const known = counts
    .filter((c) => idOf.has(c.sku))
    .map((c) => ({ ...c, skuId: idOf.get(c.sku) as string }))
    .sort((a, b) => (a.skuId < b.skuId ? -1 : 1));
  const result: CountResult = {
    applied: 0,
    unknownSkus: counts.filter((c) => !idOf.has(c.sku)).map((c) => c.sku),
    belowReserved: [],
  };
  await withTxRetry(() =>
    prisma.$transaction(
      async (tx) => {
        result.applied = 0;
        result.belowReserved = [];
        for (const c of known) {
          const level = await setOnHand(tx, c.skuId, locationId, c.onHand, ctx);
          if (level) result.applied++;
          else result.belowReserved.push({ sku: c.sku, counted: c.onHand });
        }
      },
      { timeout: 30_000, maxWait: 30_000 },
    ),
  );
  return result;
}
