// The notification public keys: getPublicKey(kid) with an application token (client
// credentials), imported for WebCrypto and kept per kid for an hour (eBay: "should be cached
// for a temporary — but reasonable — amount of time (e.g., one-hour is recommended)"). The
// application token is kept until shortly before it expires. Both caches live in the
// connector instance (one per process), so a burst of notifications costs one lookup per key.
import type { Clock } from '../../core/clock.ts';
import { ConnectorError } from '../connector.ts';
import { originTransport, type Transport } from '../transport.ts';
import { API_HOSTS, APP_SCOPE, type EbayAppConfig } from './config.ts';
import { applicationToken, type IssuedToken } from './oauth.ts';
import type { EbayPublicKey } from './payloads.ts';
import { importVerifyKey, type VerifyKey } from './signature.ts';

export const PUBLIC_KEY_PATH = '/commerce/notification/v1/public_key/';
export const KEY_CACHE_MS = 3_600_000;

export interface PublicKeyStats {
  lookups: number;
  appTokens: number;
}

export class PublicKeys {
  readonly stats: PublicKeyStats = { lookups: 0, appTokens: 0 };
  private readonly keys = new Map<string, { key: VerifyKey; until: number }>();
  private token: (IssuedToken & { app: string }) | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
  ) {}

  /** The key of `kid`; null when eBay answers 404: no such key, so the notification is not eBay's. */
  async get(app: EbayAppConfig, kid: string): Promise<VerifyKey | null> {
    const now = this.clock.nowMs();
    const hit = this.keys.get(kid);
    if (hit && hit.until > now) return hit.key;
    const host = API_HOSTS[app.environment];
    const transport = app.endpointOverride ? originTransport(app.endpointOverride, this.transport) : this.transport;
    const token = await this.appToken(app, host, transport);
    this.stats.lookups += 1;
    const res = await transport(
      new Request(`${host}${PUBLIC_KEY_PATH}${encodeURIComponent(kid)}`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      }),
    );
    if (res.status === 401) this.token = null;
    // The sender's fault: a kid eBay never issued. Not cached, so a key eBay adds later is found.
    if (res.status === 404) return null;
    if (!res.ok) {
      // Not the sender's fault: answered 500 by the door, eBay delivers again later.
      throw new ConnectorError('public_key_unavailable', `getPublicKey: HTTP ${res.status}`, {
        retryable: true,
      });
    }
    const body = (await res.json()) as EbayPublicKey;
    const key = await importVerifyKey(body.key, body.digest ?? 'SHA1');
    this.keys.set(kid, { key, until: now + KEY_CACHE_MS });
    return key;
  }

  private async appToken(app: EbayAppConfig, host: string, transport: Transport): Promise<string> {
    const now = this.clock.nowMs();
    if (this.token && this.token.app === app.clientId && this.token.expiresAtMs - 300_000 > now) {
      return this.token.accessToken;
    }
    this.stats.appTokens += 1;
    const issued = await applicationToken(transport, host, app, APP_SCOPE, now);
    this.token = { ...issued, app: app.clientId };
    return issued.accessToken;
  }
}
