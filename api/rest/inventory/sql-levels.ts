// The levels route's reads in plain SQL over any RawSql (`pg` on the edge): the same rows,
// order and fields as the Prisma query in routes.ts (level-routes.ts shapes both).
import type { RawSql } from '../../../core/db/sql.ts';
import type { LevelReads } from './level-routes.ts';
import type { LevelRow } from './levels.ts';

export function sqlLevelReads(sql: RawSql): LevelReads {
  return {
    async skuId(ref) {
      const rows = await sql.$queryRaw<
        { id: string }[]
      >`SELECT id FROM skus WHERE id = ${ref} OR code = ${ref} LIMIT 1`;
      return rows[0]?.id ?? null;
    },
    async page({ locations, skuId, after }, limit) {
      const rows = await sql.$queryRaw<(Omit<LevelRow, 'sku'> & { skuCode: string })[]>`
        SELECT l.sku_id AS "skuId", l.location_id AS "locationId", l.on_hand AS "onHand", l.reserved,
               l.safety_stock AS "safetyStock", l.updated_at AS "updatedAt", s.code AS "skuCode"
          FROM inventory_levels l JOIN skus s ON s.id = l.sku_id
         WHERE (${locations ?? null}::text[] IS NULL OR l.location_id = ANY(${locations ?? null}::text[]))
           AND (${skuId ?? null}::text IS NULL OR l.sku_id = ${skuId ?? null})
           AND (${after?.s ?? null}::text IS NULL OR l.sku_id > ${after?.s ?? null}
                OR (l.sku_id = ${after?.s ?? null} AND l.location_id > ${after?.l ?? null}))
         ORDER BY l.sku_id, l.location_id
         LIMIT ${limit + 1}`;
      return rows.map(({ skuCode, ...r }) => ({ ...r, sku: { code: skuCode } }));
    },
  };
}
