// Recomputes the targets of changed SKUs (under their locks) and says which accounts now
// have listings to push. Runs inside the outbox dispatcher's transaction, so a SKU change
// is turned into durable targets exactly when its outbox row is marked dispatched.
import type { Sql } from '../../core/db/sql.ts';
import { loadStock, saveTargets, targetsOf } from './state.ts';
import { needsPush } from './status.ts';

export interface Recomputed {
  /** Accounts with at least one listing whose target the channel does not have, and the SKUs concerned. */
  dirty: Map<string, Set<string>>;
  changedTargets: number;
}

export async function recomputeTargets(
  tx: Sql,
  skuIds: readonly string[],
  unitsPerChannel: number,
): Promise<Recomputed> {
  const snap = await loadStock(tx, skuIds, { lock: true });
  const targets = targetsOf(snap, unitsPerChannel);
  const changedTargets = await saveTargets(tx, targets, snap);
  const dirty = new Map<string, Set<string>>();
  for (const sku of snap.skus.values()) {
    for (const l of sku.listings) {
      const t = targets.get(l.id);
      if (t && needsPush(l, t.target)) dirty.set(l.accountId, (dirty.get(l.accountId) ?? new Set()).add(l.skuId));
    }
  }
  return { dirty, changedTargets };
}
