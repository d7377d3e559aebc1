// Signed webhook deliveries, as Shopify sends them: POST with the JSON body, its base64
// HMAC-SHA256 under the app's secret in X-Shopify-Hmac-Sha256, and the X-Shopify-* headers
// (or the "shopify-*" events style). On demand: duplicates (same webhook id delivered
// again, as Shopify's at-least-once retries do) and out-of-order delivery (hold deliveries,
// then flush them reversed or shuffled).
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
  status: number;
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
  private readonly held: { delivery: Delivery; secret: string }[] = [];
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
    const target = this.target;
    const req = await this.request(delivery, secret, typeof target === 'string' ? target : undefined);
    const res = typeof target === 'string' ? await fetch(req) : await target(req);
    this.log.push({ delivery, status: res.status });
  }
}
