// Listing rows are written by several statements at once: target recomputation (a transaction
// holding the SKU locks) writes every channel's listing of its SKUs, while a push records the
// answer for one account's listings, an order landing takes sold units off the belief, and a
// plan stamps what it sends. Each locked its rows in whatever order its join produced, so two
// of them crossing on the same listings deadlocked; PostgreSQL broke the tie only after its
// deadlock timeout (1 s), and the push was retried after a backoff — the tail of a stock change
// reaching the other channels. Every multi-row write of listings takes its row locks first, in
// id order, through this CTE: two such writers then wait for each other instead of crossing.
import { Prisma } from './generated/prisma/client.ts';

/**
 * `WITH locked AS (...)`: the listings matching `where` (over `listings` unaliased), locked in id
 * order. The UPDATE that follows joins it: `FROM locked k … WHERE l.id = k.id`.
 */
export function listingsLockedInIdOrder(where: Prisma.Sql): Prisma.Sql {
  // MATERIALIZED: never folded into the UPDATE's own join, so the locking order is this ORDER BY.
  return Prisma.sql`WITH locked AS MATERIALIZED (SELECT id FROM listings WHERE ${where} ORDER BY id FOR UPDATE)`;
}

/** `listingsLockedInIdOrder` for a list of listing ids. */
export function listingIdsLocked(ids: readonly string[]): Prisma.Sql {
  return listingsLockedInIdOrder(Prisma.sql`id = ANY(${[...ids]}::text[])`);
}
