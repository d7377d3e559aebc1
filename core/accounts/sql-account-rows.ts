// AccountRows in plain SQL over any RawSql: a Prisma client on Node, `pg` on Workers (the edge
// door). One implementation for both doors (account-rows.ts).
import type { RawSql } from '../db/sql.ts';
import type { AccountRow, AccountRows } from './account-rows.ts';
import type { ChannelType } from './accounts.ts';

interface RawAccount {
  id: string;
  type: ChannelType;
  name: string;
  credentials_enc: string;
  endpoint_override: string | null;
  settings: unknown;
  credentials_version: number;
  active: boolean;
}

export function sqlAccountRows(sql: RawSql): AccountRows {
  return {
    async account(id): Promise<AccountRow | null> {
      const rows = await sql.$queryRaw<RawAccount[]>`
        SELECT id, type::text AS type, name, credentials_enc, endpoint_override, settings, credentials_version, active
          FROM channel_accounts WHERE id = ${id}`;
      const r = rows[0];
      if (!r) return null;
      return {
        id: r.id,
        type: r.type,
        name: r.name,
        credentialsEnc: r.credentials_enc,
        endpointOverride: r.endpoint_override,
        settings: r.settings,
        credentialsVersion: r.credentials_version,
        active: r.active,
      };
    },
    async appCredentials(type) {
      const rows = await sql.$queryRaw<{ credentials_enc: string }[]>`
        SELECT credentials_enc FROM channel_apps WHERE type::text = ${type}`;
      return rows[0]?.credentials_enc ?? null;
    },
    async activeAccountIds(type) {
      const rows = await sql.$queryRaw<{ id: string }[]>`
        SELECT id FROM channel_accounts WHERE type::text = ${type} AND active ORDER BY id`;
      return rows.map((r) => r.id);
    },
  };
}
