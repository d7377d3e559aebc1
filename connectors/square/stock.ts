// Stock out: Square is the store's own stock system, so the hub never writes the store's counted
// quantity. A Square listing's value is the number of units the hub holds at the store for other
// channels' orders (stock-targets.ts `held`), kept in Square's RESERVED_FOR_SALE state so the
// counter cannot sell them. A push reads the item's IN_STOCK and RESERVED_FOR_SALE counts and
// moves the difference with BatchChangeInventory ADJUSTMENTs (README "Stock"):
// - more to hold: IN_STOCK → RESERVED_FOR_SALE;
// - fewer to hold: units the hub saw leave the store (its on hand fell below what Square counts:
//   a click-and-collect handed over) RESERVED_FOR_SALE → SOLD; the rest (a cancelled order)
//   RESERVED_FOR_SALE → IN_STOCK, sellable at the counter again.
// Every change carries the hub's reference_id (never read back as a store count), an
// occurred_at on the hub's clock (Square applies a batch in occurred_at order), and each call an
// idempotency_key reused by the client's retry of that call. At most 100 changes a call.
import type { Clock } from '../../core/clock.ts';
import type { AccountContext, StockPushResult, StockUpdate } from '../connector.ts';
import { ConnectorError, credentialsRefused } from '../connector.ts';
import type { SquareClient } from './client.ts';
import { readConfig } from './config.ts';
import { wholeQuantity } from './mapping.ts';
import { readCounts } from './orders.ts';
import type { SqInventoryChange, SqInventoryCount } from './payloads.ts';

export const MAX_CHANGES_PER_CALL = 100;
/** Up to two changes per listing (sold + back to the counter), so 50 listings fill one call. */
export const STOCK_BATCH_SIZE = 50;

export function itemIdOf(u: Pick<StockUpdate, 'externalStockId' | 'channelData'>): string {
  const v = u.channelData?.variationId;
  return typeof v === 'string' && v ? v : u.externalStockId;
}

export interface HoldMove {
  toHold: number;
  toSold: number;
  toCounter: number;
}

/**
 * What to move for one item so that Square holds `target` units (pure). `inStock` and `held` are
 * Square's counts; `hubOnHand` the hub's on hand (null: unknown, then every release goes back to
 * the counter). Null when Square has too few sellable units to hold the target.
 */
export function planHold(target: number, inStock: number, held: number, hubOnHand: number | null): HoldMove | null {
  if (target > held) {
    const more = target - held;
    return more > Math.max(0, inStock) ? null : { toHold: more, toSold: 0, toCounter: 0 };
  }
  const fewer = held - target;
  const gone = hubOnHand === null ? 0 : Math.max(0, Math.min(fewer, inStock + held - hubOnHand));
  return { toHold: 0, toSold: gone, toCounter: fewer - gone };
}

export async function pushStock(
  deps: { client: SquareClient; clock: Clock; newKey: () => string },
  account: AccountContext,
  updates: StockUpdate[],
): Promise<StockPushResult> {
  const result: StockPushResult = { confirmed: [], failed: [], pending: [] };
  if (updates.length === 0) return result;
  const cfg = readConfig(account);
  const located = updates.filter((u) => {
    if (u.externalLocationId) return true;
    result.failed.push({
      listingId: u.listingId,
      code: 'no_location',
      message: 'no Square location for this account',
      retryable: false,
    });
    return false;
  });
  const items = [...new Set(located.map(itemIdOf))];
  const locations = [...new Set(located.map((u) => u.externalLocationId as string))];
  const counts = await readCounts(deps.client, account, items, locations, ['IN_STOCK', 'RESERVED_FOR_SALE']);
  const count = (all: SqInventoryCount[], item: string, loc: string, state: string): number => {
    const c = all.find((x) => x.catalog_object_id === item && x.location_id === loc && x.state === state);
    return c ? wholeQuantity(c.quantity, `counts[${item}@${loc}].${state}`) : 0;
  };
  const occurredAt = deps.clock.now().toISOString();
  const changes: { listingId: string; change: SqInventoryChange }[] = [];
  const planned: { u: StockUpdate; held: number }[] = [];
  for (const u of located) {
    const item = itemIdOf(u);
    const loc = u.externalLocationId as string;
    let inStock: number;
    let held: number;
    try {
      inStock = count(counts, item, loc, 'IN_STOCK');
      held = count(counts, item, loc, 'RESERVED_FOR_SALE');
    } catch (error) {
      // A count in fractions (a measurement unit): the hub holds whole units only; a person decides.
      result.failed.push({
        listingId: u.listingId,
        code: 'fractional_quantity',
        message: String((error as Error).message),
        retryable: false,
        refused: true,
      });
      continue;
    }
    const move = planHold(u.quantity, inStock, held, u.onHand ?? null);
    if (!move) {
      result.failed.push({
        listingId: u.listingId,
        code: 'not_enough_in_stock',
        message: `Square counts ${inStock} sellable at location ${loc}; the hub holds ${u.quantity} for orders: count the store's stock`,
        retryable: false,
        refused: true,
      });
      continue;
    }
    const adj = (from: string, to: string, q: number): SqInventoryChange => ({
      type: 'ADJUSTMENT',
      adjustment: {
        reference_id: `${cfg.referencePrefix}${u.listingId}`,
        from_state: from,
        to_state: to,
        location_id: loc,
        catalog_object_id: item,
        quantity: String(q),
        occurred_at: occurredAt,
      },
    });
    if (move.toHold > 0)
      changes.push({ listingId: u.listingId, change: adj('IN_STOCK', 'RESERVED_FOR_SALE', move.toHold) });
    if (move.toSold > 0)
      changes.push({ listingId: u.listingId, change: adj('RESERVED_FOR_SALE', 'SOLD', move.toSold) });
    if (move.toCounter > 0)
      changes.push({ listingId: u.listingId, change: adj('RESERVED_FOR_SALE', 'IN_STOCK', move.toCounter) });
    planned.push({ u, held });
  }
  for (let i = 0; i < changes.length; i += MAX_CHANGES_PER_CALL) {
    const chunk = changes.slice(i, i + MAX_CHANGES_PER_CALL);
    try {
      await deps.client.request(account, {
        op: 'BatchChangeInventory',
        method: 'POST',
        path: '/v2/inventory/changes/batch-create',
        body: { idempotency_key: deps.newKey(), changes: chunk.map((c) => c.change), ignore_unchanged_counts: true },
        retrySafe: true,
      });
    } catch (error) {
      if (credentialsRefused(error)) throw error;
      const e = error instanceof ConnectorError ? error : null;
      for (const id of new Set(chunk.map((c) => c.listingId))) {
        result.failed.push({
          listingId: id,
          code: e?.code ?? 'error',
          message: String((error as Error).message),
          retryable: e?.retryable ?? true,
          // Square answered and refused the batch (a 4xx): nothing of it was applied.
          refused: e !== null && !e.retryable,
        });
      }
    }
  }
  const failed = new Set(result.failed.map((f) => f.listingId));
  for (const { u, held } of planned) {
    if (failed.has(u.listingId)) continue;
    result.confirmed.push({
      listingId: u.listingId,
      quantity: u.quantity,
      channelPrevious: held === u.previousQuantity ? null : held,
    });
  }
  return result;
}
