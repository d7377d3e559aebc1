// Signed webhook deliveries, as Shopify sends them: POST with the JSON body, its base64
// HMAC-SHA256 under the app's secret in X-Shopify-Hmac-Sha256, and the X-Shopify-* headers
// (or the "shopify-*" events style). On demand: duplicates (same webhook id delivered
// again, as Shopify's at-least-once retries do) and out-of-order delivery (hold deliveries,
// then flush them reversed or shuffled).
// Failed deliveries are retried as Shopify documents (shopify.dev changelog "Updates to webhook
// retry mechanism", 2024-09-10: "retried a total of 8 times over 4 hours using an exponential
// backoff schedule", with the original payload, to the address configured when triggered).
// A delivery fails when the hub answers non-2xx, cannot be reached, or takes longer than the
// 5 seconds Shopify waits. Shopify does not publish the exact delays; RETRY_DELAYS_MS is the
// doubling series that spans 4 hours. Retries fall due on the simulator's clock: retryDue()
// sends those whose time has come (tests advance a ManualClock; serve.ts calls it on a timer).
// Shopify also deletes a subscription made through the Admin API after 8 consecutive failed
// deliveries; set adminApiSubscription to model it (app-specific subscriptions stay).
import type { Clock } from '../../../core/clock.ts';
import { signBody } from '../webhooks.ts';

export type WebhookTarget = string | ((request: Request) => Promise<Response>);

export interface Delivery {
  webhookId: string;
  topic: string;
  body: string;
  triggeredAt: string;
}

export interface DeliveryLog {
  delivery: Delivery;
  /** HTTP status, or 0 when the hub could not be reached or did not answer within 5 seconds. */
  status: number;
  /** 0 for the first delivery, 1..8 for the retries. */
  attempt: number;
  ok: boolean;
}

/** Shopify's wait for an answer (HTTPS delivery: 5 seconds in all). */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** 8 retries over 4 hours, each wait twice the one before (about 56 s, 113 s, ... 2 h). */
export const RETRY_DELAYS_MS: readonly number[] = Array.from({ length: 8 }, (_, k) =>
  Math.round(((4 * 3_600_000) / (2 ** 8 - 1)) * 2 ** k),
);
/** Consecutive failures after which Shopify deletes a subscription made through the Admin API. */
export const FAILURES_BEFORE_REMOVAL = 8;

interface PendingRetry {
  delivery: Delivery;
  secret: string;
  target: WebhookTarget;
  attempt: number;
  dueAt: number;
}

export interface SendOptions {
  webhookId?: string;
  /** X-Shopify-Triggered-At; defaults to the simulator clock. */
  triggeredAt?: string;
  /** Deliver this many times (same webhook id): duplicates. */
  times?: number;
  /** Queue instead of delivering now (see flush). */
  hold?: boolean;
  /** Sign with this secret instead (forged deliveries). */
  secret?: string;
}

export class WebhookEmitter {
  target: WebhookTarget | null = null;
  headerStyle: 'webhooks' | 'events' = 'webhooks';
  /** Queue every delivery until flush() (out-of-order scenarios). */
  holdAll = false;
  readonly log: DeliveryLog[] = [];
  /** Model Shopify deleting an Admin-API subscription after FAILURES_BEFORE_REMOVAL failures in a row. */
  adminApiSubscription = false;
  /** Set when the subscription was deleted for failing (target is then null). */
  removedAt: Date | null = null;
  private consecutiveFailures = 0;
  private readonly held: { delivery: Delivery; secret: string }[] = [];
  private retries: PendingRetry[] = [];
  private seq = 0;

  constructor(
    private readonly shop: string,
    private readonly secret: string,
    private readonly apiVersion: string,
    private readonly clock: Clock,
  ) {}

  /** Sends `payload` (an object, or a JSON text sent byte for byte) on `topic`. */
  async send(topic: string, payload: unknown, opts: SendOptions = {}): Promise<Delivery> {
    this.seq += 1;
    const delivery: Delivery = {
      webhookId: opts.webhookId ?? `sim-${this.seq.toString().padStart(8, '0')}-${crypto.randomUUID()}`,
      topic,
      body: typeof payload === 'string' ? payload : JSON.stringify(payload),
      triggeredAt: opts.triggeredAt ?? this.clock.now().toISOString(),
    };
    const secret = opts.secret ?? this.secret;
    for (let i = 0; i < (opts.times ?? 1); i++) {
      if (opts.hold || this.holdAll) this.held.push({ delivery, secret });
      else await this.deliver(delivery, secret);
    }
    return delivery;
  }

  /** Delivers what was held: in order, reversed, or shuffled with a seed (deterministic). */
  async flush(order: 'fifo' | 'reverse' | 'shuffle' = 'fifo', seed = 1): Promise<void> {
    const items = this.held.splice(0);
    if (order === 'reverse') items.reverse();
    if (order === 'shuffle') {
      let s = seed;
      for (let i = items.length - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const j = s % (i + 1);
        [items[i], items[j]] = [items[j] as (typeof items)[number], items[i] as (typeof items)[number]];
      }
    }
    for (const { delivery, secret } of items) await this.deliver(delivery, secret);
  }

  pending(): number {
    return this.held.length;
  }

  /** Retries waiting for their time (due or not). */
  retriesPending(): number {
    return this.retries.length;
  }

  /** When the next retry falls due (clock ms), or null. */
  nextRetryAt(): number | null {
    return this.retries.reduce<number | null>((m, r) => (m === null || r.dueAt < m ? r.dueAt : m), null);
  }

  /** Sends every retry whose time has come on the clock; returns how many were sent. */
  async retryDue(): Promise<number> {
    const now = this.clock.nowMs();
    const due = this.retries.filter((r) => r.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    this.retries = this.retries.filter((r) => r.dueAt > now);
    for (const r of due) await this.attempt(r.delivery, r.secret, r.target, r.attempt);
    return due.length;
  }

  async request(
    delivery: Delivery,
    secret = this.secret,
    url = 'https://hub.invalid/webhooks/shopify',
  ): Promise<Request> {
    const bytes = new TextEncoder().encode(delivery.body);
    const hmac = await signBody(secret, bytes);
    const names =
      this.headerStyle === 'webhooks'
        ? [
            'X-Shopify-Topic',
            'X-Shopify-Hmac-Sha256',
            'X-Shopify-Shop-Domain',
            'X-Shopify-API-Version',
            'X-Shopify-Webhook-Id',
            'X-Shopify-Triggered-At',
            'X-Shopify-Event-Id',
          ]
        : [
            'shopify-topic',
            'shopify-hmac-sha256',
            'shopify-shop-domain',
            'shopify-api-version',
            'shopify-webhook-id',
            'shopify-triggered-at',
            'shopify-event-id',
          ];
    const values = [
      delivery.topic,
      hmac,
      this.shop,
      this.apiVersion,
      delivery.webhookId,
      delivery.triggeredAt,
      delivery.webhookId,
    ];
    const headers = new Headers({ 'Content-Type': 'application/json' });
    for (const [i, n] of names.entries()) headers.set(n, values[i] as string);
    return new Request(url, { method: 'POST', headers, body: bytes });
  }

  private async deliver(delivery: Delivery, secret: string): Promise<void> {
    if (!this.target) throw new Error('webhook target not set: sim.webhooks.target = handler or URL');
    await this.attempt(delivery, secret, this.target, 0);
  }

  private async attempt(delivery: Delivery, secret: string, target: WebhookTarget, attempt: number): Promise<void> {
    const req = await this.request(delivery, secret, typeof target === 'string' ? target : undefined);
    const started = this.clock.nowMs();
    let status = 0;
    try {
      const res =
        typeof target === 'string'
          ? await fetch(req, { signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) })
          : await target(req);
      status = res.status;
    } catch {
      status = 0; // refused, reset, or cut off at the timeout
    }
    // An answer after the timeout is no answer: Shopify has closed the connection and retries.
    const late = this.clock.nowMs() - started > DELIVERY_TIMEOUT_MS;
    const ok = status >= 200 && status < 300 && !late;
    this.log.push({ delivery, status: late ? 0 : status, attempt, ok });
    if (ok) {
      this.consecutiveFailures = 0;
      return;
    }
    this.consecutiveFailures += 1;
    if (this.adminApiSubscription && this.consecutiveFailures >= FAILURES_BEFORE_REMOVAL) {
      this.target = null;
      this.removedAt = this.clock.now();
      this.retries = [];
      return;
    }
    const wait = RETRY_DELAYS_MS[attempt];
    if (wait !== undefined)
      this.retries.push({ delivery, secret, target, attempt: attempt + 1, dueAt: this.clock.nowMs() + wait });
  }
}
