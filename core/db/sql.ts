// The slice of a Prisma client (root or transaction) that raw-SQL domain code needs.
import type { PrismaClient } from './generated/prisma/client.ts';

export type Sql = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Tagged-template statements only, no Prisma values: what a Prisma client or transaction
 * offers, and what `pg` offers through pgSql() (pg-sql.ts) on Workers, where the webhook door's
 * statements (the inbox insert, its exceptions) run without Prisma.
 */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<T>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}
