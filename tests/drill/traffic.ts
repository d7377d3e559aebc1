// The drill's buyers and merchant: orders placed on the simulated shops at a steady rate
// (only what a shop shows can be bought, and a sale takes the units off what it shows, as on
// Shopify), some cancelled with a restock, some partly refunded; the merchant restocks the
// scarce SKUs through the hub's API now and then. Seeded, so two runs place the same orders.
import type { DemoShop } from '../../api/demo/simulators.ts';

export interface DrillTrafficOptions {
  shops: DemoShop[];
  codes: string[];
  /** Scarce SKUs: restocked by the merchant through the API every `restockEveryMs`. */
  scarce: string[];
  orders: number;
  perSecond: number;
  random: () => number;
  hubUrl: string;
  adminToken: string;
  restockEveryMs: number;
  /** Called after each order is placed (the drill schedules its faults on progress). */
  onProgress?: (placed: number) => void | Promise<void>;
  /** Ends the traffic before `orders` when it answers true (checked after each order). */
  enough?: () => boolean;
}

export interface TrafficFigures {
  placed: number;
  cancelled: number;
  refunded: number;
  restocks: number;
  /** Buyers who found nothing on sale at that moment. */
  soldOut: number;
  startedAt: number;
  endedAt: number;
}

interface Placed {
  shop: DemoShop;
  orderId: string;
  lines: { lineItemId: string; quantity: number }[];
}

export async function runTraffic(o: DrillTrafficOptions): Promise<TrafficFigures> {
  const f: TrafficFigures = {
    placed: 0,
    cancelled: 0,
    refunded: 0,
    restocks: 0,
    soldOut: 0,
    startedAt: Date.now(),
    endedAt: 0,
  };
  const placed: Placed[] = [];
  const pick = <T>(xs: T[]): T => xs[Math.floor(o.random() * xs.length)] as T;
  const shows = (shop: DemoShop, code: string) => {
    const item = shop.items.get(code);
    return item ? (shop.sim.available(item, shop.stockLocationId) ?? 0) : 0;
  };

  const buy = async () => {
    const shop = pick(o.shops);
    const open = o.codes.filter((c) => shows(shop, c) > 0);
    if (open.length === 0) {
      f.soldOut += 1;
      return;
    }
    const lines: { code: string; quantity: number }[] = [];
    const count = o.random() < 0.75 ? 1 : 2;
    for (let i = 0; i < count; i++) {
      const choices = open.filter((c) => !lines.some((l) => l.code === c));
      if (!choices.length) break;
      const code = pick(choices);
      lines.push({ code, quantity: Math.min(shows(shop, code), o.random() < 0.85 ? 1 : 2) });
    }
    // Shopify takes sold units off the location the moment it sells them.
    for (const l of lines) {
      const key = `${shop.items.get(l.code)}|${shop.stockLocationId}`;
      shop.sim.store.levels.set(key, Math.max(0, (shop.sim.store.levels.get(key) ?? 0) - l.quantity));
    }
    const order = await shop.sim.placeOrder({
      lines: lines.map((l) => ({ sku: l.code, quantity: l.quantity, price: 2500 })),
      email: `buyer${f.placed}@example.com`,
      shippingAddress: {
        firstName: 'Drill',
        lastName: `Buyer ${f.placed}`,
        address1: '1 High Street',
        city: 'London',
        zip: 'EC1A 1AA',
        country: 'United Kingdom',
        countryCode: 'GB',
      },
      shipping: { title: 'Standard', code: 'STD', price: 395 },
    });
    f.placed += 1;
    placed.push({
      shop,
      orderId: order.id,
      lines: order.lines.map((l) => ({ lineItemId: l.id, quantity: l.quantity })),
    });
  };

  /** A buyer cancels a recent order (the shop restocks it), or has one line refunded. */
  const change = async () => {
    const p = placed.splice(Math.floor(o.random() * placed.length), 1)[0];
    if (!p) return;
    if (o.random() < 0.6) {
      await p.shop.sim.cancelOrder(p.orderId, 'CUSTOMER', true);
      f.cancelled += 1;
    } else {
      const line = pick(p.lines);
      await p.shop.sim.refund(p.orderId, [
        { lineItemId: line.lineItemId, quantity: 1, restockType: o.random() < 0.5 ? 'CANCEL' : 'NO_RESTOCK' },
      ]);
      f.refunded += 1;
    }
  };

  const restock = async () => {
    for (const code of o.scarce) {
      try {
        const res = await fetch(`${o.hubUrl}/api/v1/inventory/adjustments`, {
          method: 'POST',
          headers: { authorization: `Bearer ${o.adminToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ sku: code, locationId: 'wh', delta: 2, reason: 'receipt' }),
          signal: AbortSignal.timeout(5_000),
        });
        if (res.status === 201) f.restocks += 1;
        else await res.arrayBuffer();
      } catch {
        // the hub is down (a drill kill): the delivery waits for the next round
      }
    }
  };

  const gapMs = 1000 / o.perSecond;
  let nextRestock = Date.now() + o.restockEveryMs;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < o.orders; i++) {
    const due = f.startedAt + i * gapMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const job = (async () => {
      await buy();
      if (placed.length > 20 && o.random() < 0.12) await change();
    })().catch(() => undefined);
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
    if (inFlight.size >= 16) await Promise.race(inFlight);
    if (Date.now() >= nextRestock) {
      nextRestock = Date.now() + o.restockEveryMs;
      void restock();
    }
    await o.onProgress?.(i + 1);
    if (o.enough?.()) break;
  }
  await Promise.all(inFlight);
  f.endedAt = Date.now();
  return f;
}
