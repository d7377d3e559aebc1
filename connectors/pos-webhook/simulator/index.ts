// A till that speaks the generic till webhook: it rings up sales, takes delivery orders, returns
// and counts at its store, signs each event (timestamp + "." + body, HMAC-SHA256) and posts it to
// the hub's /webhooks/{accountId}; and it serves the address the hub notifies it at
// (settings.notifyUrl) as a plain (Request) => Promise<Response>, checking the hub's signature and
// keeping what it was told. Faults on demand: duplicate deliveries, delays, reordering (events
// held back and released in reverse), bad signatures, a skewed clock, and notification outages.
import type { Clock } from '../../../core/clock.ts';
import type { TillEventInput } from '../schema.ts';
import type { TillNotification } from '../notify.ts';
import { checkTillSignature, SIGNATURE_HEADER, signTillBody, TIMESTAMP_HEADER } from '../webhooks.ts';

export interface TillFaults {
  /** Each event is delivered this many extra times (a till retrying after a lost answer). */
  duplicates?: number;
  /** Wait this long (on the simulator's clock) before each delivery. */
  delayMs?: number;
  /** Hold events back instead of sending; `release()` sends them newest first. */
  reorder?: boolean;
  /** Sign the next N deliveries with a wrong secret. */
  badSignatures?: number;
  /** Sign with a timestamp this many seconds off the simulator's clock (negative: in the past). */
  clockSkewSeconds?: number;
  /** Answer the hub's next N notifications with 503. */
  notifyOutages?: number;
}

export interface Delivery {
  eventId: string;
  status: number;
  body: unknown;
}

export interface TillSimulatorOptions {
  /** The hub's address for this till, e.g. http://127.0.0.1:8080/webhooks/{accountId}. */
  webhookUrl: string;
  secret: string;
  /** The store's id as the account's location link names it. */
  location: string;
  clock: Clock;
  /** How deliveries reach the hub: a hono app's request(), fetch on a port, msw. */
  send: (req: Request) => Promise<Response>;
  currency?: string;
}

type Line = { sku: string; quantity: number; unitPrice?: number; tax?: number; discount?: number };

export interface TillSimulator {
  faults: TillFaults;
  readonly deliveries: Delivery[];
  /** Notifications the hub sent, signature checked, in arrival order (one per notificationId). */
  readonly notifications: TillNotification[];
  sale(lines: Line[], opts?: { receipt?: string }): Promise<Delivery[]>;
  deliveryOrder(
    lines: Line[],
    address: { line1: string; city: string; countryCode: string; postalCode?: string },
    opts?: { receipt?: string; shipping?: number },
  ): Promise<Delivery[]>;
  returnGoods(
    order: { receipt: string } | { accountId: string; externalId: string },
    lines: { sku: string; quantity: number }[],
    /** `currency`: of the refund, when not the till's (a web order sold in another currency). */
    opts?: { returnId?: string; refund?: number; currency?: string; restock?: boolean },
  ): Promise<Delivery[]>;
  count(counts: { sku: string; onHand: number }[]): Promise<Delivery[]>;
  /** Posts any body as an event (malformed ones included), signed as the faults say. */
  post(body: unknown, eventId?: string): Promise<Delivery[]>;
  /** Sends the events held back by `faults.reorder`, newest first. */
  release(): Promise<Delivery[]>;
  /** The till's notification endpoint (settings.notifyUrl). */
  fetch(req: Request): Promise<Response>;
}

export function createTillSimulator(o: TillSimulatorOptions): TillSimulator {
  const currency = o.currency ?? 'EUR';
  let seq = 0;
  const next = (prefix: string) => `${prefix}-${++seq}`;
  const held: { body: string; eventId: string }[] = [];
  const deliveries: Delivery[] = [];
  const notifications: TillNotification[] = [];
  const seenNotifications = new Set<string>();
  const faults: TillFaults = {};

  async function deliver(raw: string, eventId: string): Promise<Delivery> {
    if (faults.delayMs) await o.clock.sleep(faults.delayMs);
    const timestamp = String(Math.floor(o.clock.nowMs() / 1000) + (faults.clockSkewSeconds ?? 0));
    const bytes = new TextEncoder().encode(raw);
    let secret = o.secret;
    if (faults.badSignatures) {
      faults.badSignatures -= 1;
      secret = `${o.secret}-not`;
    }
    const res = await o.send(
      new Request(o.webhookUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: await signTillBody(secret, timestamp, bytes),
        },
        body: bytes,
      }),
    );
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const d = { eventId, status: res.status, body };
    deliveries.push(d);
    return d;
  }

  async function post(body: unknown, eventId = String((body as { eventId?: unknown })?.eventId ?? '')) {
    const raw = JSON.stringify(body);
    if (faults.reorder) {
      held.push({ body: raw, eventId });
      return [];
    }
    const out = [await deliver(raw, eventId)];
    for (let i = 0; i < (faults.duplicates ?? 0); i++) out.push(await deliver(raw, eventId));
    return out;
  }

  const common = () => ({ eventId: next('evt'), occurredAt: o.clock.now().toISOString(), location: o.location });
  const tillLines = (lines: Line[]) =>
    lines.map((l) => ({
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice ?? 1000,
      tax: l.tax ?? 0,
      discount: l.discount ?? 0,
    }));
  const total = (lines: Line[], extra = 0) =>
    lines.reduce((s, l) => s + (l.unitPrice ?? 1000) * l.quantity + (l.tax ?? 0) - (l.discount ?? 0), extra);

  return {
    faults,
    deliveries,
    notifications,
    sale(lines, opts = {}) {
      const e: TillEventInput = {
        kind: 'sale',
        ...common(),
        receipt: opts.receipt ?? next('R'),
        currency,
        lines: tillLines(lines),
        total: total(lines),
      };
      return post(e);
    },
    deliveryOrder(lines, address, opts = {}) {
      const e: TillEventInput = {
        kind: 'delivery_order',
        ...common(),
        receipt: opts.receipt ?? next('D'),
        currency,
        lines: tillLines(lines),
        shipping: opts.shipping ?? 0,
        total: total(lines, opts.shipping ?? 0),
        shippingAddress: address,
      };
      return post(e);
    },
    returnGoods(order, lines, opts = {}) {
      const e: TillEventInput = {
        kind: 'return',
        ...common(),
        returnId: opts.returnId ?? next('RET'),
        order,
        lines,
        restock: opts.restock ?? true,
        refund: opts.refund === undefined ? null : { amount: opts.refund, currency: opts.currency ?? currency },
      };
      return post(e);
    },
    count(counts) {
      const e: TillEventInput = { kind: 'count', ...common(), counts };
      return post(e);
    },
    post,
    async release() {
      const out: Delivery[] = [];
      while (held.length) {
        const h = held.pop() as { body: string; eventId: string };
        out.push(await deliver(h.body, h.eventId));
      }
      return out;
    },
    async fetch(req) {
      const rawBody = new Uint8Array(await req.arrayBuffer());
      // The hub signs notifications like the till signs its events; check it the same way.
      const refused = await checkTillSignature({ secrets: [o.secret], nowMs: o.clock.nowMs() }, req.headers, rawBody);
      if (refused) return Response.json({ error: refused.code }, { status: 401 });
      if (faults.notifyOutages) {
        faults.notifyOutages -= 1;
        return new Response('busy', { status: 503 });
      }
      const n = JSON.parse(new TextDecoder().decode(rawBody)) as TillNotification;
      if (!seenNotifications.has(n.notificationId)) {
        seenNotifications.add(n.notificationId);
        notifications.push(n);
      }
      return Response.json({ ok: true });
    },
  };
}
