// The inbox stores each channel event once; account credentials are stored encrypted
// and come back only through loadAccountContext.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, loadAccountContext, UnknownAccountError } from '../../core/accounts/accounts.ts';
import { generateSecretKey } from '../../core/crypto/secrets.ts';
import type { Database } from '../../core/db/database.ts';
import { markFailed, markProcessed, pendingEvents, storeEvents } from '../../core/inbox/inbox.ts';
import { testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('inbox and accounts on $kind', ({ open }) => {
  let db: Database;
  const key = generateSecretKey();
  beforeAll(async () => {
    db = await open();
    await createAccount(db.prisma, key, {
      id: 'shop-1',
      type: 'shopify',
      name: 'Main shop',
      credentials: { accessToken: 'shpat_secret_value', webhookSecret: 'whsec_value' },
      settings: { shop: 'main.myshopify.com' },
    });
  });
  afterAll(() => db?.close());

  it('keeps credentials encrypted at rest and decrypts them for the connector', async () => {
    const row = await db.prisma.channelAccount.findUniqueOrThrow({ where: { id: 'shop-1' } });
    expect(row.credentialsEnc).not.toContain('shpat_secret_value');
    expect(JSON.stringify(row)).not.toContain('whsec_value');
    const ctx = await loadAccountContext(db.prisma, key, 'shop-1');
    expect(ctx).toMatchObject({ type: 'shopify', credentials: { accessToken: 'shpat_secret_value' } });
    await expect(loadAccountContext(db.prisma, generateSecretKey(), 'shop-1')).rejects.toThrow(
      /decrypt|undecryptable/i,
    );
    await expect(loadAccountContext(db.prisma, key, 'nope')).rejects.toBeInstanceOf(UnknownAccountError);
  });

  it('rejects an account with a bad field, naming it', async () => {
    await expect(createAccount(db.prisma, key, { type: 'shopify', name: '', credentials: {} })).rejects.toThrow(/name/);
  });

  it('stores a channel event once, however often it is delivered', async () => {
    const ev = {
      externalEventId: 'wh-1',
      topic: 'orders/create',
      occurredAt: '2026-11-20T10:00:00Z',
      payload: { id: 1 },
    };
    expect(await storeEvents(db.prisma, 'shop-1', [ev])).toHaveLength(1);
    expect(await storeEvents(db.prisma, 'shop-1', [ev, ev])).toHaveLength(0);
    expect(await db.prisma.inboxEvent.count({ where: { externalEventId: 'wh-1' } })).toBe(1);
    expect(await db.prisma.outboxEvent.count({ where: { kind: 'inbox.received' } })).toBe(1);
  });

  it('hands out pending events oldest first until processed, and counts failures', async () => {
    await storeEvents(db.prisma, 'shop-1', [
      { externalEventId: 'wh-3', topic: 'orders/updated', occurredAt: '2026-11-20T12:00:00Z', payload: {} },
      { externalEventId: 'wh-2', topic: 'orders/updated', occurredAt: '2026-11-20T11:00:00Z', payload: {} },
    ]);
    const pending = await pendingEvents(db.prisma, { accountId: 'shop-1' });
    expect(pending.map((e) => e.externalEventId)).toEqual(['wh-1', 'wh-2', 'wh-3']);
    await markProcessed(db.prisma, pending[0]!.id, new Date());
    await markFailed(db.prisma, pending[1]!.id, 'boom');
    const again = await pendingEvents(db.prisma, { accountId: 'shop-1', maxAttempts: 1 });
    expect(again.map((e) => e.externalEventId)).toEqual(['wh-3']);
  });
});
