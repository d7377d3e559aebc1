// A channel call made for an account outside the inbox (the orders poll): when the channel
// refuses the account's credentials, the account is flagged with one exception — the same flag
// the inbox sets — instead of the job failing, being retried and failing again until a person
// looks at logs nobody reads.
import { flagAuthRefused } from '../core/accounts/auth-status.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import type { Logger } from '../core/log.ts';
import { credentialsRefused } from '../connectors/connector.ts';
import {
  type AccountCache,
  type AccountSource,
  type ConnectorRegistry,
  openAccount,
  safeMessage,
} from './connectors.ts';

export interface GuardDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  connectors: ConnectorRegistry;
  accountCache?: AccountCache;
  /** Completes a loaded account (in-memory tokens, shared rate limiter, mid-run refresh). */
  decorate?: AccountSource['decorate'];
  logger: Logger;
  clock: Clock;
}

/** The call's result, or null when the channel refused the credentials and the account is now flagged. */
export async function guardCredentials<T>(
  deps: GuardDeps,
  accountId: string,
  call: () => Promise<T>,
): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (!credentialsRefused(error)) throw error;
    const handle = await openAccount(deps, accountId);
    if (!handle) throw error;
    const message = safeMessage(error, handle.account);
    if (!(await flagAuthRefused(deps.prisma, deps.secretKey, handle.account, message, deps.clock.now()))) {
      // New credentials arrived meanwhile: the queue's retry uses them.
      deps.accountCache?.forget(accountId);
      throw error;
    }
    deps.logger.warn({ accountId, error: message }, 'channel refused the account credentials');
    return null;
  }
}
