// What the sync runtime adds to an account before a connector gets it (AccountContext's
// optional parts): this process's short-lived access tokens, `acquire` on the shared rate
// limiter for the operations the connector declares, and `refreshCredentials` for a
// connector that can refresh.
import type { AccountContext } from '../core/accounts/accounts.ts';
import { type ChannelConnector, ConnectorError } from '../connectors/connector.ts';
import type { CredentialRefresher } from './credentials-refresh.ts';
import type { RateLimiter } from './rate/bucket.ts';

export function accountDecorator(o: { limiter: RateLimiter | null; refresher: CredentialRefresher | null }) {
  const decorate = (stored: AccountContext, connector: ChannelConnector): AccountContext => {
    const account: AccountContext = { ...(o.refresher ? o.refresher.withEphemeral(stored) : stored) };
    const operations = connector.limits.operations;
    const limiter = o.limiter;
    if (limiter && operations) {
      account.acquire = async (operation, cost, maxWaitMs) => {
        await limiter.acquire(stored.id, operation, operations[operation], cost, maxWaitMs);
      };
    }
    const refresher = o.refresher;
    if (refresher && connector.refreshCredentials) {
      account.refreshCredentials = async () => {
        const fresh = await refresher.refresh(stored.id, stored.credentialsVersion ?? null, { refused: true });
        if (!fresh)
          throw new ConnectorError('unauthorized', `account ${stored.id} cannot be refreshed`, { retryable: false });
        return decorate(fresh, connector);
      };
    }
    return account;
  };
  return decorate;
}

/**
 * The account with every rate-limit wait bounded (and the accounts its refreshes return): a
 * wait longer than `maxWaitMs` throws a retryable 'throttled' error naming when to retry.
 */
export function withBoundedWaits(account: AccountContext, maxWaitMs: number): AccountContext {
  const { acquire, refreshCredentials } = account;
  return {
    ...account,
    ...(acquire ? { acquire: (operation: string, cost?: number) => acquire(operation, cost, maxWaitMs) } : {}),
    ...(refreshCredentials
      ? { refreshCredentials: async () => withBoundedWaits(await refreshCredentials(), maxWaitMs) }
      : {}),
  };
}
