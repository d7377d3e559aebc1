// Signed notifications, as Square sends them for the application's webhook subscription:
// POST to the subscription's notification URL with the event JSON, signed with the
// subscription's key (x-square-hmacsha256-signature = base64 HMAC-SHA256 of URL + body).
// Retries as Square documents (developer.squareup.com "Notification Delivery SLA"): a delivery
// fails on a non-2xx answer (3xx included), an unreachable hub or no answer within 10 seconds;
// it is retried 1, 2, 4, 8, 16 and 32 minutes after the previous attempt, then hourly, for up
// to 72 hours after the event, with the same event_id and the headers square-retry-number and
// square-retry-reason. Retries fall due on the simulator's clock: retryDue() sends those whose
// time has come. On demand: duplicates (`times`) and out-of-order delivery (`hold` + flush).
import type { Clock } from '../../../core/clock.ts';
import { SIGNATURE_HEADER, signSquare } from '../webhooks.ts';

export type WebhookTarget = string | ((request: Request) => Promise<Response>);

export const DELIVERY_TIMEOUT_MS = 10_000;
export const RETRY_WINDOW_MS = 72 * 3_600_000;
/** Wait before retry n (1-based): 1, 2, 4, 8, 16, 32 minutes, then 60. */
export function retryDelayMs(n: number): number {
  return (n <= 6 ? 2 ** (n - 1) : 60) * 60_000;
}

export interface Notification {
  eventId: string;
  type: string;
  body: string;
  createdAt: number;
}

export interface DeliveryLog {
  eventId: string;
  type: string;
  /** 0 when unreachable or too slow. */
  status: number;
  retry: number;
  ok: boolean;
}

interface Pending {
  n: Notification;
  retry: number;
  dueAt: number;
  reason: string;
}

export class SquareWebhooks {
  /** Where deliveries go (a handler in tests, a URL for the demo); null: nowhere. */
  target: WebhookTarget | null = null;
  /** The URL the subscription names: signed into every notification. */
  notificationUrl = 'https://hub.example/webhooks/channel/square';
  signatureKey = 'sim-signature-key';
  readonly log: DeliveryLog[] = [];
  readonly held: Notification[] = [];
  private readonly pending: Pending[] = [];

  constructor(
    private readonly merchantId: string,
    private readonly clock: Clock,
  ) {}

  /** Builds and delivers one notification (`times` deliveries of the same event: duplicates; `hold`: keep for flush()). */
  async send(
    type: string,
    data: { type: string; id: string; object: unknown },
    opts: { times?: number; hold?: boolean; key?: string } = {},
  ): Promise<Notification> {
    const n: Notification = {
      eventId: crypto.randomUUID(),
      type,
      createdAt: this.clock.nowMs(),
      body: JSON.stringify({
        merchant_id: this.merchantId,
        type,
        event_id: '',
        created_at: this.clock.now().toISOString(),
        data,
      }),
    };
    n.body = n.body.replace('"event_id":""', `"event_id":"${n.eventId}"`);
    if (opts.hold) {
      this.held.push(n);
      return n;
    }
    for (let i = 0; i < (opts.times ?? 1); i++) await this.deliver(n, 0, '', opts.key);
    return n;
  }

  /** Delivers the held notifications, in order, reversed or shuffled. */
  async flush(order: 'fifo' | 'reverse' | 'shuffle' = 'fifo'): Promise<void> {
    const list = this.held.splice(0);
    if (order === 'reverse') list.reverse();
    if (order === 'shuffle') list.sort(() => Math.random() - 0.5);
    for (const n of list) await this.deliver(n, 0, '');
  }

  /** Sends the retries whose time has come on the simulator's clock. */
  async retryDue(): Promise<number> {
    const now = this.clock.nowMs();
    const due = this.pending.filter((p) => p.dueAt <= now);
    for (const p of due) this.pending.splice(this.pending.indexOf(p), 1);
    for (const p of due) await this.deliver(p.n, p.retry, p.reason);
    return due.length;
  }

  get pendingRetries(): number {
    return this.pending.length;
  }

  private async deliver(n: Notification, retry: number, reason: string, key?: string): Promise<void> {
    const target = this.target;
    if (!target) return;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: await signSquare(key ?? this.signatureKey, this.notificationUrl, n.body),
      'square-initial-delivery-timestamp': new Date(n.createdAt).toISOString(),
    };
    if (retry > 0) {
      headers['square-retry-number'] = String(retry);
      headers['square-retry-reason'] = reason;
    }
    const url = typeof target === 'string' ? target : this.notificationUrl;
    const started = this.clock.nowMs();
    let status = 0;
    let why = 'other_error';
    try {
      const req = new Request(url, { method: 'POST', headers, body: n.body });
      const res = typeof target === 'string' ? await fetch(req) : await target(req);
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      why = 'http_error';
    } catch {
      status = 0;
    }
    const slow = this.clock.nowMs() - started > DELIVERY_TIMEOUT_MS;
    const ok = status >= 200 && status < 300 && !slow;
    this.log.push({ eventId: n.eventId, type: n.type, status: slow ? 0 : status, retry, ok });
    if (ok) return;
    const next = retry + 1;
    const dueAt = this.clock.nowMs() + retryDelayMs(next);
    if (dueAt - n.createdAt <= RETRY_WINDOW_MS)
      this.pending.push({ n, retry: next, dueAt, reason: slow ? 'http_timeout' : why });
  }
}
