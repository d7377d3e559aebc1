// The simulator's Notification API side: its own ECDSA P-256 key pair (the public half served
// by getPublicKey as eBay serves it: a PEM on one line, algorithm ECDSA, digest SHA1), messages
// signed as eBay signs them (SHA-1 ECDSA over the JSON body, DER, base64, inside the base64
// JSON of X-EBAY-SIGNATURE), ORDER_CONFIRMATION once per line item, the marketplace account
// deletion notice, and the deletion endpoint's challenge check.
import type { Clock } from '../../../core/clock.ts';
import type { Transport } from '../../transport.ts';
import type { EbayNotification, EbayPublicKey } from '../payloads.ts';
import { rawToDer, sha256Hex, toBase64 } from '../signature.ts';
import type { EbayState } from './state.ts';

export interface Delivery {
  topic: string;
  status: number;
  notificationId: string;
}

export class NotificationSender {
  readonly kid = crypto.randomUUID();
  /** Where notifications go: a handler (tests, in process) or nothing. */
  target: Transport | null = null;
  url = 'https://hub.example/webhooks/channel/ebay';
  readonly log: Delivery[] = [];
  private keys: CryptoKeyPair | null = null;

  constructor(
    private readonly state: EbayState,
    private readonly clock: Clock,
  ) {}

  private async pair(): Promise<CryptoKeyPair> {
    this.keys ??= (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    return this.keys;
  }

  /** getPublicKey's answer for this simulator's kid. */
  async publicKey(): Promise<EbayPublicKey> {
    const spki = new Uint8Array(await crypto.subtle.exportKey('spki', (await this.pair()).publicKey));
    return {
      key: `-----BEGIN PUBLIC KEY-----${toBase64(spki)}-----END PUBLIC KEY-----`,
      algorithm: 'ECDSA',
      digest: 'SHA1',
    };
  }

  /** The X-EBAY-SIGNATURE header for `body`. */
  async sign(body: string): Promise<string> {
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: 'ECDSA', hash: 'SHA-1' },
        (await this.pair()).privateKey,
        new TextEncoder().encode(body),
      ),
    );
    const header = { alg: 'ECDSA', kid: this.kid, signature: toBase64(rawToDer(raw)), digest: 'SHA1' };
    return toBase64(new TextEncoder().encode(JSON.stringify(header)));
  }

  message(topic: string, data: Record<string, unknown>): EbayNotification {
    const at = this.clock.now().toISOString();
    return {
      metadata: { topic, schemaVersion: '1.0', deprecated: false },
      notification: {
        notificationId: `${crypto.randomUUID()}_${crypto.randomUUID()}`,
        eventDate: at,
        publishDate: at,
        publishAttemptCount: 1,
        data,
      },
    };
  }

  /** Builds the signed request without sending it (tests tamper with it). */
  async request(message: EbayNotification, opts: { body?: string; signature?: string } = {}): Promise<Request> {
    const body = opts.body ?? JSON.stringify(message);
    return new Request(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-EBAY-SIGNATURE': opts.signature ?? (await this.sign(body)) },
      body,
    });
  }

  async deliver(message: EbayNotification): Promise<number> {
    if (!this.target) throw new Error('simulator: notifications.target is not set');
    const res = await this.target(await this.request(message));
    this.log.push({
      topic: message.metadata.topic,
      status: res.status,
      notificationId: message.notification.notificationId,
    });
    return res.status;
  }

  /** ORDER_CONFIRMATION, one notification per line item of the order (eBay's behaviour). */
  async orderConfirmation(orderId: string): Promise<number[]> {
    const order = this.state.mustOrder(orderId);
    const statuses: number[] = [];
    for (const line of order.lineItems) {
      statuses.push(
        await this.deliver(
          this.message('ORDER_CONFIRMATION', {
            user: { userId: `u-${this.state.sellerUsername}`, username: this.state.sellerUsername },
            order: {
              orderId,
              orderLineItems: [
                { orderLineItemId: line.lineItemId, listingId: line.legacyItemId, quantity: line.quantity },
              ],
            },
          }),
        ),
      );
    }
    return statuses;
  }

  async accountDeletion(username: string, userId = `u-${username}`): Promise<number> {
    return this.deliver(this.message('MARKETPLACE_ACCOUNT_DELETION', { username, userId, eiasToken: btoa(username) }));
  }

  /** eBay's endpoint check: GET ?challenge_code=…, expects sha256hex(code + token + endpoint). */
  async challenge(verificationToken: string): Promise<{ status: number; ok: boolean }> {
    if (!this.target) throw new Error('simulator: notifications.target is not set');
    const code = crypto.randomUUID();
    const res = await this.target(new Request(`${this.url}?challenge_code=${code}`, { method: 'GET' }));
    const body = (await res.json().catch(() => ({}))) as { challengeResponse?: string };
    const expected = await sha256Hex(code + verificationToken + this.url);
    return { status: res.status, ok: res.status === 200 && body.challengeResponse === expected };
  }
}
