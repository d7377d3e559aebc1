// Upgrading a hub that gave up events before exceptions existed for them: the migration opens
// one exception per event that had spent its attempts, and none for the others.
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { migrate, readMigrations, type SqlRunner } from '../../core/db/migrator.ts';
import { pgliteRunner, pgRunner } from '../../core/db/sql-runners.ts';
import { createPostgresCopy, postgresTemplateUrl } from '../support/databases.ts';

async function emptyPostgres(): Promise<SqlRunner & { close(): Promise<void> }> {
  const runner = await pgRunner(await createPostgresCopy(postgresTemplateUrl() as string));
  await runner.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  return runner;
}

const runners: { kind: string; open: () => Promise<SqlRunner & { close(): Promise<void> }> }[] = [
  {
    kind: 'pglite',
    open: async () => {
      const pg = new PGlite();
      return Object.assign(pgliteRunner(pg), { close: () => pg.close() });
    },
  },
  ...(postgresTemplateUrl() ? [{ kind: 'postgres', open: emptyPostgres }] : []),
];

describe.each(runners)('inbox exceptions migration on $kind', ({ open }) => {
  it('opens an exception for each event that had spent its attempts', async () => {
    const db = await open();
    try {
      const all = await readMigrations();
      const at = all.findIndex((m) => m.name.endsWith('_inbox_exceptions_refunds'));
      expect(at).toBeGreaterThan(0);
      await migrate(db, all.slice(0, at));
      await db.exec(`
        INSERT INTO channel_accounts (id, type, name, credentials_enc, updated_at)
        VALUES ('shop', 'shopify', 'Shop', 'x', now());
        INSERT INTO inbox_events (id, account_id, external_event_id, topic, payload, attempts, last_error, processed_at)
        VALUES (1, 'shop', 'given-up', 'orders/create', '{}', 10, 'boom', NULL),
               (2, 'shop', 'retrying', 'orders/create', '{}', 3, 'boom', NULL),
               (3, 'shop', 'applied', 'orders/create', '{}', 10, NULL, now());`);
      await migrate(db, all);
      const rows = await db.query<{ kind: string; dedupe_key: string; account_id: string; message: string }>(
        'SELECT kind, dedupe_key, account_id, message FROM exceptions',
      );
      expect(rows).toEqual([
        {
          kind: 'inbox_event_failed',
          dedupe_key: 'inbox_event:1',
          account_id: 'shop',
          message: 'orders/create event given-up could not be applied: boom',
        },
      ]);
    } finally {
      await db.close();
    }
  });
});
