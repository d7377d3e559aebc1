// What an inbox event's failure means, and what is done about it. Every failure is turned
// into an EventFailure of one kind, and each kind has one treatment:
// - permanent: the event's content cannot be applied (it does not map, a value is out of
//   range, an unknown currency, JSON that is not an order, an order that never arrived, a
//   channel that refuses the request for good). Retrying cannot help: the event becomes an open
//   exception at once, to replay once the cause is dealt with.
// - transient: something failed that may not fail next time (the database, a bug met by chance):
//   the event spends an attempt, and becomes an exception when it has none left.
// - unavailable: the channel could not be reached (5xx, throttled, network). The event is fine:
//   it waits without spending attempts and the run stops, to be retried after a pause.
// - credentials: the channel refused the account's credentials. The account is flagged (with
//   one exception); its events that need the channel wait, spending nothing.
import { z } from 'zod';
import { flagAuthRefused } from '../core/accounts/auth-status.ts';
import type { Clock } from '../core/clock.ts';
import type { PrismaClient } from '../core/db/generated/prisma/client.ts';
import { recordEventFailure } from '../core/inbox/failures.ts';
import { noteWaiting, type StoredEvent } from '../core/inbox/inbox.ts';
import type { Logger } from '../core/log.ts';
import { MoneyError } from '../core/money/money.ts';
import { type AccountContext, ConnectorError, credentialsRefused } from '../connectors/connector.ts';
import { type AccountCache, safeMessage } from './connectors.ts';

export type FailureKind = 'permanent' | 'transient' | 'unavailable' | 'credentials';

export class EventFailure extends Error {
  readonly kind: FailureKind;
  /** For `unavailable`: the earliest sensible retry, when the channel said. */
  readonly retryAfterMs: number | null;
  constructor(kind: FailureKind, message: string, opts: { cause?: unknown; retryAfterMs?: number | null } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EventFailure';
    this.kind = kind;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** The event's content cannot be applied, whatever is tried again. */
export function permanentFailure(message: string, cause?: unknown): EventFailure {
  return new EventFailure('permanent', message, { cause });
}

/** Decides the kind of any error thrown while an event was applied. */
export function classifyFailure(error: unknown): EventFailure {
  if (error instanceof EventFailure) return error;
  if (credentialsRefused(error)) return new EventFailure('credentials', describeError(error), { cause: error });
  if (error instanceof ConnectorError) {
    return error.retryable
      ? new EventFailure('unavailable', describeError(error), { cause: error, retryAfterMs: error.retryAfterMs })
      : new EventFailure('permanent', describeError(error), { cause: error });
  }
  // Validation of the content: the same payload fails the same way every time.
  if (error instanceof z.ZodError || error instanceof MoneyError || error instanceof RangeError) {
    return new EventFailure('permanent', describeError(error), { cause: error });
  }
  return new EventFailure('transient', describeError(error), { cause: error });
}

/** One line a person can read: the error's code, its message, a validation error's fields. */
export function describeError(error: unknown): string {
  if (error instanceof z.ZodError) return `invalid: ${z.prettifyError(error).replaceAll('\n', '; ')}`;
  const e = error as { code?: unknown; message?: unknown } | null;
  const text = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' && !text.startsWith(e.code) ? `${e.code}: ${text}` : text;
}

export type Outcome = { outcome: 'processed' | 'failed' | 'waiting'; retryAfterMs: number | null };

export interface FailureDeps {
  prisma: PrismaClient;
  secretKey: Uint8Array;
  accountCache?: AccountCache;
  logger: Logger;
  clock: Clock;
}

/** Whether the account's credentials are refused: shared by the events of one run. */
export interface AuthGate {
  refused: boolean;
  /** The channel answered a read with "not now" (throttled, down) in this run: further reads wait for the retry. */
  unavailable?: boolean;
}

export const WAITING_FOR_CREDENTIALS = 'waiting: the channel refused the account credentials';

/** An event that needs the channel, while the account's credentials are refused, waits. */
export async function waitForCredentials(prisma: PrismaClient, event: StoredEvent): Promise<Outcome> {
  if (event.lastError !== WAITING_FOR_CREDENTIALS) await noteWaiting(prisma, event.id, WAITING_FOR_CREDENTIALS);
  return { outcome: 'waiting', retryAfterMs: null };
}

/** Applies the treatment of the failure's kind to the event; the message never carries a credential. */
export async function handleFailure(
  deps: FailureDeps,
  account: AccountContext,
  gate: AuthGate,
  event: StoredEvent,
  error: unknown,
  externalOrderId: string | null,
): Promise<Outcome> {
  const failure = classifyFailure(error);
  const message = safeMessage(failure, account);
  const log = { accountId: account.id, eventId: String(event.id), topic: event.topic, error: message };
  switch (failure.kind) {
    case 'unavailable':
      await noteWaiting(deps.prisma, event.id, message);
      deps.logger.warn(log, 'channel unavailable');
      return { outcome: 'failed', retryAfterMs: failure.retryAfterMs ?? 1000 };
    case 'credentials': {
      if (!(await flagAuthRefused(deps.prisma, deps.secretKey, account, message, deps.clock.now()))) {
        // The account holds other credentials by now: run again with those.
        deps.accountCache?.forget(account.id);
        return { outcome: 'failed', retryAfterMs: 1000 };
      }
      gate.refused = true;
      deps.logger.warn(log, 'channel refused the account credentials: events that need the channel wait');
      return waitForCredentials(deps.prisma, event);
    }
    case 'permanent':
    case 'transient': {
      const r = await recordEventFailure(
        deps.prisma,
        event,
        { message, permanent: failure.kind === 'permanent', externalOrderId },
        deps.clock.now(),
      );
      deps.logger.warn({ ...log, attempts: r.attempts, exception: r.exception }, 'inbox event failed');
      return { outcome: 'failed', retryAfterMs: null };
    }
  }
}
