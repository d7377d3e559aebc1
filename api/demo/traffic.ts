// Steady simulated trade, made through the simulators' own buyer and merchant actions so
// that every order reaches the hub the real way (a signed webhook, and the poller as the
// safety net): web orders on both shops, counter sales through Shopify POS at the flagship
// store, click-and-collect orders for both stores, now and then a cancellation or a refund.
// Buyers only buy what a shop shows, and a shop takes sold units off what it shows at once,
// as Shopify does; the hub then pushes every shop its new quantity.
// Behind the counter, a few merchant habits keep a long demo alive: deliveries when a SKU
// runs low, store replenishment from the warehouse, and store staff who prepare and hand
// over pickups after a while (leaving fresh ones for you on /staff).
import { type Clock, systemClock } from '../../core/clock.ts';
import type { PrismaClient } from '../../core/db/generated/prisma/client.ts';
import { adjust, transfer } from '../../core/inventory/ledger.ts';
import { collectPickup, markReadyForPickup, OrderActionError } from '../../core/orders/actions.ts';
import type { OrderInput } from '../../connectors/shopify/simulator/index.ts';
import { type DemoSku, FIRST_NAMES, LAST_NAMES, TOWNS } from './catalogue.ts';
import type { DemoShop } from './simulators.ts';

export type TrafficKind = 'web' | 'pickup' | 'pos' | 'cancel' | 'refund';

export interface TrafficStats {
  /** Orders placed per account id (web, pickup and POS). */
  orders: Record<string, number>;
  web: number;
  pickup: number;
  pos: number;
  cancelled: number;
  refunded: number;
  deliveries: number;
  transfers: number;
  pickupsReady: number;
  pickupsCollected: number;
  /** Ticks where nothing could be bought (everything shown as sold out). */
  idle: number;
  errors: number;
}

export interface TrafficEvent {
  kind: TrafficKind;
  accountId: string;
  orderName: string;
  detail: string;
}

export interface TrafficOptions {
  prisma: PrismaClient;
  shops: DemoShop[];
  catalogue: DemoSku[];
  skuIds: Map<string, string>;
  /** Orders per minute (on average; the gaps are random). 0 places none. */
  ratePerMinute: number;
  /** Seed of the random choices (same seed, same sequence of choices). */
  seed?: number;
  /** Store staff prepare a pickup, and hand over a ready one, once it is this old. 0 = never. */
  staffDelayMs?: number;
  /** How often deliveries, store replenishment and the staff run. */
  housekeepingMs?: number;
  /** The hub's clock: the staff's "old enough" compares it with times the hub stamped. */
  clock?: Clock;
  logger?: { warn(obj: object, msg?: string): void; debug?(obj: object, msg?: string): void };
  onEvent?: (e: TrafficEvent) => void;
}

export interface Traffic {
  readonly stats: TrafficStats;
  readonly running: boolean;
  /** Stops placing orders and waits for the action in progress. */
  stop(): Promise<void>;
  /** One action now (tests, scripted runs). */
  step(kind?: TrafficKind): Promise<boolean>;
}

interface Placed {
  shop: DemoShop;
  orderId: string;
  kind: 'web' | 'pickup' | 'pos';
  lines: { lineItemId: string; quantity: number }[];
  at: number;
  done: boolean;
}

/** Small, fast, seedable PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIGHTS: [TrafficKind | 'web-flagship' | 'pickup-flagship', number][] = [
  ['web', 30],
  ['web-flagship', 16],
  ['pos', 22],
  ['pickup', 16],
  ['pickup-flagship', 7],
  ['cancel', 5],
  ['refund', 4],
];

export function startTraffic(o: TrafficOptions): Traffic {
  const clock = o.clock ?? systemClock;
  const random = rng(o.seed ?? clock.nowMs());
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const stats: TrafficStats = {
    orders: Object.fromEntries(o.shops.map((s) => [s.accountId, 0])),
    web: 0,
    pickup: 0,
    pos: 0,
    cancelled: 0,
    refunded: 0,
    deliveries: 0,
    transfers: 0,
    pickupsReady: 0,
    pickupsCollected: 0,
    idle: 0,
    errors: 0,
  };
  const placed: Placed[] = [];
  const byCode = new Map(o.catalogue.map((s) => [s.code, s]));
  const hot = new Set(o.catalogue.filter((s) => s.hot).map((s) => s.code));
  const web = o.shops.find((s) => s.key === 'web') ?? o.shops[0];
  const flagship = o.shops.find((s) => s.key === 'flagship') ?? o.shops[0];
  const staffDelayMs = o.staffDelayMs ?? 90_000;
  const housekeepingMs = o.housekeepingMs ?? 5_000;
  const vat = (gross: number) => Math.round(gross / 6); // 20 % VAT included in a UK price

  let running = o.ratePerMinute > 0;
  let chain: Promise<unknown> = Promise.resolve();
  /** Actions run one at a time, in order: a buyer never races the housekeeping. */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  // ---------------------------------------------------------------- what buyers can buy

  /** What a shop shows for a SKU now (its advertised quantity). */
  const shows = (shop: DemoShop, code: string): number => {
    const item = shop.items.get(code);
    return item ? (shop.sim.available(item, shop.stockLocationId) ?? 0) : 0;
  };

  /** Units free on a store's shelves (on hand − reserved), by SKU code. */
  const shelf = async (locationId: string): Promise<Map<string, number>> => {
    const rows = await o.prisma.$queryRaw<{ code: string; free: number }[]>`
      SELECT s.code, l.on_hand - l.reserved AS free
        FROM inventory_levels l JOIN skus s ON s.id = l.sku_id
       WHERE l.location_id = ${locationId}`;
    return new Map(rows.map((r) => [r.code, Number(r.free)]));
  };

  /** 1 to 3 distinct SKUs a buyer can have; hot SKUs are the popular ones. */
  const chooseLines = (available: (code: string) => number): { code: string; quantity: number }[] | null => {
    const open = o.catalogue.filter((s) => available(s.code) > 0 && o.skuIds.has(s.code));
    if (open.length === 0) return null;
    const hotOpen = open.filter((s) => hot.has(s.code));
    const count = random() < 0.7 ? 1 : random() < 0.85 ? 2 : 3;
    const lines: { code: string; quantity: number }[] = [];
    for (let i = 0; i < count; i++) {
      const pool = (hotOpen.length && random() < 0.45 ? hotOpen : open).filter(
        (s) => !lines.some((l) => l.code === s.code),
      );
      if (pool.length === 0) break;
      const s = pick(pool);
      const quantity = Math.min(available(s.code), random() < 0.85 ? 1 : 2);
      lines.push({ code: s.code, quantity });
    }
    return lines.length ? lines : null;
  };

  /** A shop takes sold units off what it shows the moment it sells them. */
  const takeOff = (shop: DemoShop, lines: { code: string; quantity: number }[]) => {
    for (const l of lines) {
      const item = shop.items.get(l.code);
      if (!item) continue;
      const key = `${item}|${shop.stockLocationId}`;
      const now = shop.sim.store.levels.get(key);
      if (now !== undefined) shop.sim.store.levels.set(key, Math.max(0, now - l.quantity));
    }
  };

  const buyer = () => {
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    return {
      firstName: first,
      lastName: last,
      email: `${first}.${last}@example.com`.toLowerCase(),
      phone: `+44 7700 9${String(Math.floor(random() * 100000)).padStart(5, '0')}`,
    };
  };

  const orderLines = (lines: { code: string; quantity: number }[]): OrderInput['lines'] =>
    lines.map((l) => {
      const price = byCode.get(l.code)?.price ?? 0;
      return { sku: l.code, quantity: l.quantity, price, taxPerUnit: vat(price), taxRate: '0.2' };
    });

  const remember = (
    shop: DemoShop,
    kind: Placed['kind'],
    order: { id: string; lines: { id: string; quantity: number }[] },
  ) => {
    placed.push({
      shop,
      orderId: order.id,
      kind,
      lines: order.lines.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
      at: clock.nowMs(),
      done: false,
    });
    if (placed.length > 300) placed.splice(0, placed.length - 300);
    stats.orders[shop.accountId] = (stats.orders[shop.accountId] ?? 0) + 1;
    stats[kind] += 1;
  };

  const describe = (lines: { code: string; quantity: number }[]) =>
    lines.map((l) => `${l.quantity} x ${l.code}`).join(', ');

  // ---------------------------------------------------------------- buyer actions

  async function webOrder(shop: DemoShop): Promise<boolean> {
    const lines = chooseLines((code) => shows(shop, code));
    if (!lines) return false;
    const who = buyer();
    const town = pick(TOWNS);
    takeOff(shop, lines);
    const order = await shop.sim.placeOrder({
      lines: orderLines(lines),
      customer: who,
      email: who.email,
      shippingAddress: {
        firstName: who.firstName,
        lastName: who.lastName,
        address1: `${1 + Math.floor(random() * 180)} High Street`,
        city: town.city,
        zip: town.zip,
        country: 'United Kingdom',
        countryCode: 'GB',
      },
      shipping: { title: 'Standard delivery', code: 'STANDARD', price: 395 },
      taxesIncluded: true,
    });
    remember(shop, 'web', order);
    o.onEvent?.({ kind: 'web', accountId: shop.accountId, orderName: order.name, detail: describe(lines) });
    return true;
  }

  async function pickupOrder(shop: DemoShop): Promise<boolean> {
    if (shop.pickupLocations.length === 0) return false;
    const store = pick(shop.pickupLocations);
    const storeShelf = await shelf(store);
    // Shopify offers pickup where the store has the item; the shop must show it too.
    const lines = chooseLines((code) => Math.min(shows(shop, code), storeShelf.get(code) ?? 0));
    if (!lines) return false;
    const who = buyer();
    takeOff(shop, lines);
    const order = await shop.sim.placeOrder({
      lines: orderLines(lines),
      customer: who,
      email: who.email,
      pickupLocationId: shop.locations.get(store),
      taxesIncluded: true,
    });
    remember(shop, 'pickup', order);
    o.onEvent?.({
      kind: 'pickup',
      accountId: shop.accountId,
      orderName: order.name,
      detail: `${describe(lines)}, collect at ${store}`,
    });
    return true;
  }

  async function counterSale(shop: DemoShop): Promise<boolean> {
    const store = shop.posLocation;
    if (!store) return false;
    // A clerk sells what is on the shelf and not set aside for a pickup.
    const storeShelf = await shelf(store);
    const lines = chooseLines((code) => storeShelf.get(code) ?? 0);
    if (!lines) return false;
    takeOff(shop, lines);
    const order = await shop.sim.placeOrder({
      lines: orderLines(lines),
      customer: random() < 0.4 ? buyer() : null,
      posLocationId: shop.locations.get(store),
      taxesIncluded: true,
    });
    remember(shop, 'pos', order);
    o.onEvent?.({ kind: 'pos', accountId: shop.accountId, orderName: order.name, detail: describe(lines) });
    return true;
  }

  /** A buyer cancels a recent web order before it ships; the shop restocks it. */
  async function cancellation(): Promise<boolean> {
    const candidates = placed.filter((p) => p.kind === 'web' && !p.done && clock.nowMs() - p.at > 2_000);
    if (candidates.length === 0) return false;
    const p = pick(candidates.slice(-20));
    p.done = true;
    const order = await p.shop.sim.cancelOrder(p.orderId, 'CUSTOMER', true);
    stats.cancelled += 1;
    o.onEvent?.({ kind: 'cancel', accountId: p.shop.accountId, orderName: order.name, detail: 'cancelled, restocked' });
    return true;
  }

  /** A customer brings one item of a counter sale back; the store takes it back into stock. */
  async function refund(): Promise<boolean> {
    const candidates = placed.filter((x) => x.kind === 'pos' && !x.done);
    if (candidates.length === 0) return false;
    const p = pick(candidates.slice(-20));
    p.done = true;
    const line = p.lines[0];
    if (!line) return false;
    await p.shop.sim.refund(
      p.orderId,
      [{ lineItemId: line.lineItemId, quantity: 1, restockType: 'RETURN' }],
      'Returned at the counter',
    );
    stats.refunded += 1;
    const order = p.shop.sim.store.orders.get(p.orderId);
    o.onEvent?.({
      kind: 'refund',
      accountId: p.shop.accountId,
      orderName: order?.name ?? p.orderId,
      detail: '1 item returned',
    });
    return true;
  }

  async function act(kind: TrafficKind | 'web-flagship' | 'pickup-flagship'): Promise<boolean> {
    switch (kind) {
      case 'web':
        return web ? webOrder(web) : false;
      case 'web-flagship':
        return flagship ? webOrder(flagship) : false;
      case 'pos':
        return flagship ? counterSale(flagship) : false;
      case 'pickup':
        return web ? pickupOrder(web) : false;
      case 'pickup-flagship':
        return flagship ? pickupOrder(flagship) : false;
      case 'cancel':
        return cancellation();
      case 'refund':
        return refund();
    }
  }

  function chooseKind(): TrafficKind | 'web-flagship' | 'pickup-flagship' {
    const total = WEIGHTS.reduce((s, [, w]) => s + w, 0);
    let r = random() * total;
    for (const [k, w] of WEIGHTS) {
      r -= w;
      if (r < 0) return k;
    }
    return 'web';
  }

  const step = (kind?: TrafficKind) =>
    serial(async () => {
      try {
        const chosen = kind ?? chooseKind();
        if (await act(chosen)) return true;
        // Nothing to do for that action (sold out, nothing to cancel): a web order instead.
        if (!kind && (await act(random() < 0.5 ? 'web' : 'web-flagship'))) return true;
        stats.idle += 1;
        return false;
      } catch (err) {
        stats.errors += 1;
        o.logger?.warn({ err }, 'demo traffic: action failed');
        return false;
      }
    });

  // ---------------------------------------------------------------- behind the counter

  async function deliveries(): Promise<void> {
    const rows = await o.prisma.$queryRaw<{ code: string; sku_id: string; sellable: number }[]>`
      SELECT s.code, s.id AS sku_id,
             COALESCE(sum(GREATEST(0, l.on_hand - l.reserved - l.safety_stock)), 0)::int AS sellable
        FROM skus s LEFT JOIN inventory_levels l ON l.sku_id = s.id
       GROUP BY s.id`;
    for (const r of rows) {
      if (!byCode.has(r.code)) continue; // replayed (--seed) SKUs are left as they are
      const isHot = hot.has(r.code);
      // Hot SKUs stay scarce: a small delivery once they are (nearly) gone.
      if (isHot ? r.sellable <= 1 : r.sellable < 8) {
        const qty = isHot ? 3 + Math.floor(random() * 4) : 30;
        await adjust(o.prisma, r.sku_id, 'wh', qty, 'receipt', { actor: 'demo:merchant', reason: 'supplier delivery' });
        stats.deliveries += 1;
      }
    }
  }

  async function replenishStores(): Promise<void> {
    const rows = await o.prisma.$queryRaw<{ sku_id: string; code: string; location_id: string; free: number }[]>`
      SELECT l.sku_id, s.code, l.location_id, (l.on_hand - l.reserved)::int AS free
        FROM inventory_levels l JOIN skus s ON s.id = l.sku_id
        JOIN locations loc ON loc.id = l.location_id
       WHERE loc.kind = 'store' AND l.on_hand - l.reserved <= 0`;
    for (const r of rows) {
      if (hot.has(r.code) || !byCode.has(r.code)) continue;
      const moved = await o.prisma.$transaction((tx) =>
        transfer(tx, r.sku_id, 'wh', r.location_id, 3, { actor: 'demo:merchant', reason: 'store replenishment' }),
      );
      if (moved) stats.transfers += 1;
    }
  }

  async function storeStaff(): Promise<void> {
    if (staffDelayMs <= 0) return;
    const cutoff = new Date(clock.nowMs() - staffDelayMs);
    const toPrepare = await o.prisma.order.findMany({
      where: {
        fulfilmentMethod: 'pickup',
        status: { in: ['allocated', 'picking', 'packed'] },
        createdAt: { lt: cutoff },
      },
      select: { id: true, pickupLocation: { select: { code: true } } },
      orderBy: { createdAt: 'asc' },
      take: 3,
    });
    for (const p of toPrepare) {
      await markReadyForPickup(o.prisma, p.id, `staff:${p.pickupLocation?.code ?? 'store'}:Demo staff`, clock);
      stats.pickupsReady += 1;
    }
    const toHandOver = await o.prisma.order.findMany({
      where: { fulfilmentMethod: 'pickup', status: 'ready_for_pickup', readyForPickupAt: { lt: cutoff } },
      select: { id: true, pickupCode: true, pickupLocation: { select: { code: true } } },
      orderBy: { readyForPickupAt: 'asc' },
      take: 3,
    });
    for (const p of toHandOver) {
      if (!p.pickupCode) continue;
      await collectPickup(
        o.prisma,
        p.id,
        { code: p.pickupCode },
        `staff:${p.pickupLocation?.code ?? 'store'}:Demo staff`,
        clock,
      );
      stats.pickupsCollected += 1;
    }
  }

  const housekeeping = () =>
    serial(async () => {
      for (const task of [deliveries, replenishStores, storeStaff]) {
        try {
          await task();
        } catch (err) {
          // A pickup a person handled on /staff in the meantime is not an error.
          if (err instanceof OrderActionError) continue;
          stats.errors += 1;
          o.logger?.warn({ err, task: task.name }, 'demo housekeeping failed');
        }
      }
    });

  // ---------------------------------------------------------------- the clock

  const meanGapMs = o.ratePerMinute > 0 ? 60_000 / o.ratePerMinute : Number.POSITIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let houseTimer: ReturnType<typeof setInterval> | null = null;
  const schedule = () => {
    if (!running) return;
    // Exponential gaps: arrivals of independent buyers (a Poisson process), capped so the page never looks stuck.
    const gap = Math.min(meanGapMs * 4, -Math.log(1 - random()) * meanGapMs);
    timer = setTimeout(() => {
      void step().finally(schedule);
    }, gap);
  };
  if (running) {
    schedule();
    houseTimer = setInterval(() => void housekeeping(), housekeepingMs);
  }

  return {
    stats,
    get running() {
      return running;
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      if (houseTimer) clearInterval(houseTimer);
      await chain;
    },
    step,
  };
}
