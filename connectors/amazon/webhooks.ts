// Notifications in: Amazon delivers ORDER_CHANGE only through SQS or EventBridge. The hub takes an
// EventBridge API destination (README, "Notifications") posting to the app-level door
// `/webhooks/channel/amazon`, authenticated by the secret header the destination's connection
// sends (API_KEY authorization). An ORDER_CHANGE is a pointer: interpret() asks for getOrder.
// WebCrypto-free and Node-free: runs on Workers.
import type { AppContext, AppWebhookResult, InboundEvent, WebhookRequest } from '../connector.ts';

/** The header name to configure on the EventBridge connection (API key name). */
export const SECRET_HEADER = 'x-omnihub-webhook-secret';
export const ORDER_CHANGE_TOPIC = 'ORDER_CHANGE';
const MAX_BODY = 256 * 1024; // EventBridge events are at most 256 KB.

interface Notification {
  NotificationType?: string;
  EventTime?: string;
  Payload?: {
    OrderChangeNotification?: {
      SellerId?: string;
      AmazonOrderId?: string;
      OrderChangeTrigger?: { TimeOfOrderChange?: string; ChangeReason?: string };
    };
  };
  NotificationMetadata?: { NotificationId?: string };
}

/** Compares without stopping at the first difference. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export async function verifyAmazonAppWebhook(app: AppContext, req: WebhookRequest): Promise<AppWebhookResult> {
  if (req.method !== 'POST') return { ok: false, status: 405, code: 'method', message: 'POST only' };
  if (req.rawBody.byteLength > MAX_BODY)
    return { ok: false, status: 413, code: 'too_large', message: 'body over 256 KB' };
  const secrets = [app.credentials.webhookSecret, app.credentials.previousWebhookSecret].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  const given = req.headers.get(SECRET_HEADER);
  if (secrets.length === 0 || !given || !secrets.some((s) => sameText(s, given))) {
    return { ok: false, status: 401, code: 'invalid_secret', message: `missing or wrong ${SECRET_HEADER}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.rawBody));
  } catch {
    return { ok: false, status: 400, code: 'invalid_json', message: 'body is not UTF-8 JSON' };
  }
  // An API destination posts the whole EventBridge event; the notification is its `detail`.
  const envelope = parsed as { detail?: Notification; id?: string } & Notification;
  const n: Notification = envelope.detail ?? envelope;
  const change = n.Payload?.OrderChangeNotification;
  const id = n.NotificationMetadata?.NotificationId ?? envelope.id;
  if (n.NotificationType !== ORDER_CHANGE_TOPIC || !change?.SellerId || !change.AmazonOrderId || !id) {
    return {
      ok: false,
      status: 400,
      code: 'not_order_change',
      message: 'expected an ORDER_CHANGE notification with SellerId, AmazonOrderId and NotificationId',
    };
  }
  const event: InboundEvent = { externalEventId: id, topic: ORDER_CHANGE_TOPIC, occurredAt: null, payload: n };
  return { ok: true, identity: change.SellerId, events: [event] };
}

export function orderIdOf(payload: unknown): string | null {
  return (payload as Notification | null)?.Payload?.OrderChangeNotification?.AmazonOrderId ?? null;
}

/** The notification's TimeOfOrderChange when it is a valid instant (the order's LastUpdateDate at the change). */
export function changeTimeOf(payload: unknown): string | null {
  const t = (payload as Notification | null)?.Payload?.OrderChangeNotification?.OrderChangeTrigger?.TimeOfOrderChange;
  return typeof t === 'string' && Number.isFinite(Date.parse(t)) ? new Date(t).toISOString() : null;
}
