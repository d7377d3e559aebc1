// What the resource routers share: the injected deps plus the caches built once per API.
import type { KeyCache } from '../auth/key-cache.ts';
import type { Clock } from '../../core/clock.ts';
import type { HubMetrics } from '../../core/metrics/hub-metrics.ts';
import type { AccountCache } from '../webhooks/account-cache.ts';
import type { AppCache } from '../webhooks/app-cache.ts';
import type { ApiDeps } from './deps.ts';

export interface RouteContext extends ApiDeps {
  clock: Clock;
  accounts: AccountCache;
  /** App-level credentials per channel type, as the webhook door reads them. */
  apps: AppCache;
  keys: KeyCache;
  hub: HubMetrics;
}
