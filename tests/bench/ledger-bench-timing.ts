// Where one reservation attempt's time goes, measured rather than guessed: the wait for a free
// pool connection, the statement's round trip on that connection (row-lock wait, execution,
// commit, network), the server's own part of it when the statement reports it (ceiling path),
// and what is left (Prisma and the caller's event loop). Each attempt runs inside
// `attemptScope`, so the pool hooks add to the attempt that asked, even with 32 interleaved callers.
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

export interface AttemptSample {
  /** The attempt as its caller saw it. */
  ms: number;
  /** Waiting for a free connection of the pool. */
  poolWaitMs: number;
  /** Statements on the connection, sent to answered. */
  statementMs: number;
  /** Inside PostgreSQL from receipt to the end of execution (lock wait included, commit not). */
  serverMs: number | null;
}

export const attemptScope = new AsyncLocalStorage<AttemptSample>();

type Callback = (...args: unknown[]) => void;
type Fn = (...args: unknown[]) => unknown;

/**
 * Hooks the pool's `connect` (which `pool.query` calls for every statement) and each client's
 * `query`, adding their durations to the current attempt. Works for the callback form pg-pool
 * uses internally and the promise form.
 */
export function instrumentPool(pool: pg.Pool): void {
  const hooked = new WeakSet<object>();
  // The store is read when the call is made: callbacks run in the socket's context, not the attempt's.
  const timer = (field: 'poolWaitMs' | 'statementMs') => {
    const sample = attemptScope.getStore();
    const since = performance.now();
    return () => {
      if (sample) sample[field] += performance.now() - since;
    };
  };
  const hookClient = (client: unknown) => {
    if (!client || hooked.has(client as object)) return;
    hooked.add(client as object);
    const c = client as { query: Fn };
    const query = c.query.bind(client);
    c.query = (...args: unknown[]) => {
      const done = timer('statementMs');
      const last = args.length - 1;
      const cb = args[last];
      if (typeof cb === 'function') {
        args[last] = (...r: unknown[]) => {
          done();
          (cb as Callback)(...r);
        };
        return query(...args);
      }
      const out = query(...args) as Promise<unknown>;
      return out.finally(done);
    };
  };
  const p = pool as unknown as { connect: Fn };
  const connect = p.connect.bind(pool);
  p.connect = (cb?: unknown) => {
    const done = timer('poolWaitMs');
    if (typeof cb === 'function') {
      return connect((err: unknown, client: unknown, release: unknown) => {
        done();
        hookClient(client);
        (cb as Callback)(err, client, release);
      });
    }
    return (connect() as Promise<unknown>).then((client) => {
      done();
      hookClient(client);
      return client;
    });
  };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
}

const round2 = (x: number) => Number(x.toFixed(2));
const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);

export interface TimingSummary {
  p50ms: number;
  p99ms: number;
  /** p99 of each part over the attempts (null when that part was not measured on this path). */
  poolWaitP99ms: number | null;
  statementP99ms: number | null;
  serverP99ms: number | null;
  /** Share of all attempt time spent in each part, in %. */
  poolWaitShare: number | null;
  statementShare: number | null;
}

export function summarize(samples: AttemptSample[], pooled: boolean): TimingSummary {
  const total = samples.reduce((s, x) => s + x.ms, 0) || 1;
  const part = (f: (x: AttemptSample) => number) => ascending(samples.map(f));
  const share = (f: (x: AttemptSample) => number) => Math.round((samples.reduce((s, x) => s + f(x), 0) / total) * 100);
  const server = samples.filter((x) => x.serverMs !== null).map((x) => x.serverMs as number);
  const ms = part((x) => x.ms);
  return {
    p50ms: round2(percentile(ms, 50)),
    p99ms: round2(percentile(ms, 99)),
    poolWaitP99ms: pooled
      ? round2(
          percentile(
            part((x) => x.poolWaitMs),
            99,
          ),
        )
      : null,
    statementP99ms: pooled
      ? round2(
          percentile(
            part((x) => x.statementMs),
            99,
          ),
        )
      : null,
    serverP99ms: server.length ? round2(percentile(ascending(server), 99)) : null,
    poolWaitShare: pooled ? share((x) => x.poolWaitMs) : null,
    statementShare: pooled ? share((x) => x.statementMs) : null,
  };
}
