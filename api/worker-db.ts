/**
 * The edge door's database access on Workers: one `pg` connection per request, opened on the
 * first statement and closed when the response has gone (through `ctx.waitUntil`). Workers do
 * not share I/O objects between requests, so nothing here outlives a request; with Hyperdrive
 * the connection is a cheap hop to its pool. Statements go through `pgSql` (core/db/pg-sql.ts):
 * the same tagged-template SQL the Node door sends through Prisma.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { bigintTypes, type PgQueryable, pgSql } from '../core/db/pg-sql.ts';
import type { RawSql } from '../core/db/sql.ts';

/** The part of the Workers `ExecutionContext` used here. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

interface RequestScope {
  ctx: WorkerContext;
  connection?: Promise<pg.Client>;
}

const scope = new AsyncLocalStorage<RequestScope>();

/** Runs one request: work handed to keepAlive() and the request's connection outlive the response. */
export async function inRequest<T>(ctx: WorkerContext, f: () => Promise<T>): Promise<T> {
  const s: RequestScope = { ctx };
  try {
    return await scope.run(s, f);
  } finally {
    const connection = s.connection;
    if (connection) {
      keepAlive(
        connection.then(
          (c) => c.end(),
          () => undefined,
        ),
        ctx,
      );
    }
  }
}

/** Run `promise` to completion even after the response is sent (no-op outside a request). */
export function keepAlive(promise: Promise<unknown>, ctx = scope.getStore()?.ctx): void {
  ctx?.waitUntil(
    promise.then(
      () => undefined,
      () => undefined,
    ),
  );
}

/** RawSql on the current request's connection (opened on first use). */
export function requestSql(connectionString: string, timeoutMs: number): RawSql {
  return pgSql(() => {
    const s = scope.getStore();
    if (!s) return Promise.reject(new Error('a database statement outside a request'));
    if (!s.connection) {
      const client = new pg.Client({
        connectionString,
        connectionTimeoutMillis: timeoutMs,
        types: bigintTypes(pg.types),
      });
      // A connection error after connect() would otherwise be an unhandled 'error' event.
      client.on('error', () => {});
      s.connection = client.connect().then(() => client);
    }
    return s.connection as Promise<PgQueryable>;
  });
}
