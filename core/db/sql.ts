// The slice of a Prisma client (root or transaction) that raw-SQL domain code needs.
import type { PrismaClient } from './generated/prisma/client.ts';

export type Sql = Pick<PrismaClient, '$queryRaw' | '$executeRaw'>;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
