// What the hub tells a till (the connector's pushFulfilment): a till has no vendor API, so the
// hub posts a signed notification to the address the account names (settings.notifyUrl), signed
// exactly like the till's own webhooks (timestamp + "." + body, webhooks.ts), through the
// connector transport. Without an address nothing can reach the till:
// - ship, pickup steps: informational (the hub holds the tracking; the customer gets the
//   carrier's mail), so the push is done with nothing sent;
// - refund, cancel and cancel answers move money at the till: refused for good, which the sync
//   layer turns into an exception for a person to settle at the till.
import { ConnectorError, type FulfilmentPush, type FulfilmentPushResult } from '../connector.ts';
import type { Transport } from '../transport.ts';
import { SIGNATURE_HEADER, signTillBody, TIMESTAMP_HEADER } from './webhooks.ts';

/** The notification body (README.md "Notifications to the till"). */
export interface TillNotification {
  notificationId: string;
  kind: FulfilmentPush['kind'];
  receipt: string;
  lines: { sku: string; quantity: number }[];
  tracking: FulfilmentPush['tracking'] | null;
  refund: FulfilmentPush['refund'] | null;
}

const INFORMATIONAL: ReadonlySet<FulfilmentPush['kind']> = new Set(['ship', 'pickup_ready', 'pickup_collected']);

export async function notifyTill(
  cfg: { notifyUrl: string | null; secret: string | null; transport: Transport; nowMs: number },
  push: FulfilmentPush,
): Promise<FulfilmentPushResult> {
  if (!cfg.notifyUrl || !cfg.secret) {
    if (INFORMATIONAL.has(push.kind)) return { externalFulfilmentId: null, alreadyApplied: false };
    throw new ConnectorError(
      'no_till_endpoint',
      `the till has no notifyUrl: settle the ${push.kind} of receipt ${push.externalOrderId} at the till`,
      { retryable: false },
    );
  }
  const body: TillNotification = {
    notificationId: push.idempotencyKey,
    kind: push.kind,
    receipt: push.externalOrderId,
    // Till lines are SKUs (mapping.ts); lines of other channels' orders keep their ids.
    lines: push.lines.map((l) => ({ sku: l.channelLineId, quantity: l.quantity })),
    tracking: push.tracking ?? null,
    refund: push.refund ?? null,
  };
  const raw = new TextEncoder().encode(JSON.stringify(body));
  const timestamp = String(Math.floor(cfg.nowMs / 1000));
  let res: Response;
  try {
    res = await cfg.transport(
      new Request(cfg.notifyUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: await signTillBody(cfg.secret, timestamp, raw),
        },
        body: raw,
      }),
    );
  } catch (cause) {
    throw new ConnectorError('network', `the till did not answer: ${String(cause)}`, { retryable: true, cause });
  }
  if (res.ok) return { externalFulfilmentId: null, alreadyApplied: false };
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryable = res.status === 429 || res.status >= 500;
  throw new ConnectorError(
    `till_http_${res.status}`,
    `the till answered ${res.status} to the ${push.kind} notification`,
    {
      retryable,
      retryAfterMs: retryable && Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    },
  );
}
