// The exceptions list's reads in plain SQL over any RawSql (`pg` on the edge): the same rows,
// order and fields as the Prisma query in exceptions.ts (exception-list.ts shapes both).
import type { RawSql } from '../../core/db/sql.ts';
import type { ExceptionReads, ExceptionRow } from './exception-list.ts';

export function sqlExceptionReads(sql: RawSql): ExceptionReads {
  return {
    async list(f, after) {
      const afterT = after ? new Date(after.t).toISOString() : null;
      return await sql.$queryRaw<ExceptionRow[]>`
        SELECT id, kind, dedupe_key AS "dedupeKey", account_id AS "accountId", order_id AS "orderId",
               sku_id AS "skuId", message, data, occurrences, created_at AS "createdAt",
               updated_at AS "updatedAt", resolved_at AS "resolvedAt", resolved_by AS "resolvedBy"
          FROM exceptions
         WHERE (${f.state}::text = 'all' OR (${f.state}::text = 'open') = (resolved_at IS NULL))
           AND (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null})
           AND (${f.accountId ?? null}::text IS NULL OR account_id = ${f.accountId ?? null})
           AND (${f.orderId ?? null}::text IS NULL OR order_id = ${f.orderId ?? null})
           AND (${afterT}::timestamptz IS NULL OR created_at < ${afterT}::timestamptz
                OR (created_at = ${afterT}::timestamptz AND id < ${after?.id ?? null}))
         ORDER BY created_at DESC, id DESC
         LIMIT ${f.limit + 1}`;
    },
  };
}
