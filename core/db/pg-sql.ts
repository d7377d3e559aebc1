// RawSql (sql.ts) over `pg`: the same tagged-template statements as Prisma's $queryRaw and
// $executeRaw, sent as one parameterised query ($1, $2, …). For the edge door on Workers, where
// the Prisma client of this build does not run (it compiles its query engine from bytes, which
// workerd forbids). int8 comes back as bigint, as through Prisma.
import type { RawSql } from './sql.ts';

/** What pgSql needs of a pg Client (or Pool). */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** `strings` joined with `$1…$n` in place of the values. */
export function toParameterised(strings: TemplateStringsArray): string {
  let text = strings[0] ?? '';
  for (let i = 1; i < strings.length; i++) text += `$${i}${strings[i]}`;
  return text;
}

/** Statements through whatever connection `connection()` gives (opened lazily per request on Workers). */
export function pgSql(connection: () => Promise<PgQueryable>): RawSql {
  return {
    async $queryRaw<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T> {
      const db = await connection();
      return (await db.query(toParameterised(strings), values)).rows as T;
    },
    async $executeRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<number> {
      const db = await connection();
      return (await db.query(toParameterised(strings), values)).rowCount ?? 0;
    },
  };
}

const INT8 = 20;

/** pg `types` for a Client: int8 as bigint (pg's default is a string), everything else as pg parses it. */
export function bigintTypes(base: { getTypeParser(oid: number, format?: string): unknown }) {
  return {
    getTypeParser(oid: number, format?: string) {
      if (oid === INT8) return (v: string) => BigInt(v);
      return base.getTypeParser(oid, format);
    },
  };
}
