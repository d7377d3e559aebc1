// The stock.reconcile job: reads what the channel really shows (the connector's listing
// discovery) and repairs drift — a channel edited by hand, a push lost without an answer, a
// restock done on the channel. Every repair is counted and logged. A channel showing less
// than the hub believes may simply have sold units whose orders are still on their way, so
// such a repair waits while a pending inbox event names that SKU (skus-in-flight.ts) or it
// had a recent sale; a channel showing more is repaired at once (it may be over-advertising).
// A channel that confirms a write before it shows it (Amazon's ACCEPTED patch) still shows
// the value before the write for a while: a listing confirmed within that time is left alone
// either way (its old value is no drift, and taking it for the belief could leave the channel
// below its target once the write lands, with the hub believing it in sync).
// Every run ends by asking for a push when a listing lacks its target, even if the channel
// failed part-way through the read: a repair's request must not be lost with the run.
import type { AccountContext, ChannelConnector } from '../../connectors/connector.ts';
import type { Logger } from '../../core/log.ts';
import { openAccount } from '../connectors.ts';
import type { StockDeps } from './push.ts';
import { recomputeTargets } from './recompute.ts';
import { skusInFlight } from './skus-in-flight.ts';
import { loadAccounts } from './state.ts';
import { accountsNeedingPush } from './status.ts';

export interface ReconcileRun {
  /** Listings the channel reported a quantity for. */
  checked: number;
  /** Beliefs corrected to what the channel shows. */
  repaired: number;
  /** Of those, listings whose target the channel now lacks (a push was queued). */
  pushed: number;
  /** Lower channel values left alone for now (sales possibly in flight). */
  deferred: number;
}

interface Row {
  id: string;
  sku_id: string;
  sku_code: string;
  external_stock_id: string;
  target_qty: number | null;
  last_confirmed_qty: number | null;
  in_flight: boolean;
  applying: boolean;
}

/** Seconds a confirmed write may take to show on the channel: the account's setting, else the connector's. */
export function stockApplySeconds(connector: ChannelConnector, account: AccountContext): number {
  const own = account.settings.stockApplySeconds;
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  return connector.limits.stockApplySeconds ?? 0;
}

export async function reconcileAccount(
  deps: StockDeps & { graceMs: number },
  accountId: string,
): Promise<ReconcileRun> {
  const run: ReconcileRun = { checked: 0, repaired: 0, pushed: 0, deferred: 0 };
  const handle = await openAccount(deps, accountId);
  if (!handle) return run;
  await refreshTargets(deps, accountId);
  const applySeconds = stockApplySeconds(handle.connector, handle.account);

  const rows = await deps.prisma.$queryRaw<Row[]>`
    SELECT l.id, l.sku_id, s.code AS sku_code, l.external_stock_id, l.target_qty, l.last_confirmed_qty,
           (l.last_sent_at IS NOT NULL AND (l.last_confirmed_at IS NULL OR l.last_sent_at > l.last_confirmed_at)) AS in_flight,
           -- last_confirmed_at is the database's clock_timestamp() (record.ts): compared on that clock.
           (l.last_sent_at IS NOT NULL AND l.last_confirmed_at > clock_timestamp() - make_interval(secs => ${applySeconds})) AS applying
      FROM listings l JOIN skus s ON s.id = l.sku_id
     WHERE l.account_id = ${accountId} AND l.external_stock_id IS NOT NULL`;
  const byStockId = new Map(rows.map((r) => [r.external_stock_id, r]));
  const location = (await loadAccounts(deps.prisma, [accountId])).get(accountId)?.stockLocation ?? null;
  if (!location) return run;
  const selling = await skusInFlight(deps.prisma, handle.connector, handle.account);
  // "Sold here recently" is keyed on when the channel sold (the order's creation there), not on
  // a reservation's updated_at (a re-read of an old order, a release or a fulfilment touch it
  // and kept restarting the wait) nor on when the order landed (an order the poll recovered
  // minutes late says nothing newer about sales still unheard of).
  const recent = new Set(
    (
      await deps.prisma.$queryRaw<{ sku_id: string }[]>`
        SELECT DISTINCT r.sku_id FROM reservations r JOIN orders o ON o.id = r.order_id
         WHERE o.account_id = ${accountId} AND o.channel_created_at > now() - make_interval(secs => ${deps.graceMs / 1000})`
    ).map((r) => r.sku_id),
  );

  try {
    for await (const candidate of handle.connector.discoverListings(handle.account)) {
      const row = candidate.externalStockId ? byStockId.get(candidate.externalStockId) : undefined;
      const shown = candidate.levels.find((l) => l.externalLocationId === location)?.quantity;
      if (!row || shown === null || shown === undefined) continue;
      run.checked += 1;
      if (shown === row.last_confirmed_qty) continue;
      const lower = row.last_confirmed_qty !== null && shown < row.last_confirmed_qty;
      const onItsWay = selling === 'all' || selling.has(row.sku_code) || recent.has(row.sku_id);
      if (row.in_flight || row.applying || (lower && onItsWay)) {
        run.deferred += 1;
        continue;
      }
      // Conditional on the row being as read: a push or a landed sale in between wins.
      const changed = await deps.prisma.$executeRaw`
        UPDATE listings SET last_confirmed_qty = ${shown}, last_confirmed_at = clock_timestamp()
         WHERE id = ${row.id} AND last_confirmed_qty IS NOT DISTINCT FROM ${row.last_confirmed_qty}`;
      if (changed === 0) continue;
      run.repaired += 1;
      if (shown !== row.target_qty) run.pushed += 1;
      deps.logger.info(
        {
          accountId,
          listingId: row.id,
          skuId: row.sku_id,
          believed: row.last_confirmed_qty,
          channel: shown,
          target: row.target_qty,
        },
        'stock drift repaired',
      );
    }
  } finally {
    // A repair stands even when the channel fails part-way through the read (a 429 on a later
    // page): its push is asked for all the same, as for any listing still lacking its target with
    // no push on the way (its request lost that way, or by a crash): this check is the net under
    // every other path that asks for a push.
    if (run.repaired) await refreshTargets(deps, accountId);
    if ((await accountsNeedingPush(deps.prisma, accountId)).length > 0) await deps.requestPush(accountId);
  }
  logRun(deps.logger, accountId, run);
  return run;
}

/** Recomputes every target of the account: account policy changes and new listings have no outbox row. */
async function refreshTargets(deps: StockDeps, accountId: string): Promise<void> {
  const skus = await deps.prisma.$queryRaw<{ sku_id: string }[]>`
    SELECT sku_id FROM listings WHERE account_id = ${accountId} AND external_stock_id IS NOT NULL ORDER BY sku_id`;
  for (let i = 0; i < skus.length; i += 500) {
    const chunk = skus.slice(i, i + 500).map((s) => s.sku_id);
    await deps.prisma.$transaction((tx) => recomputeTargets(tx, chunk, deps.unitsPerChannel), {
      timeout: 30_000,
      maxWait: 30_000,
    });
  }
}

function logRun(logger: Logger, accountId: string, run: ReconcileRun): void {
  if (run.repaired || run.deferred) logger.info({ accountId, ...run }, 'stock reconciled');
  else logger.debug({ accountId, ...run }, 'stock reconciled, no drift');
}
