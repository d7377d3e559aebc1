// The README's Node snippet for signing a till event, taken from the README itself and run
// against the hub's webhook door on a real port: what integrators copy is what the hub accepts.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../api/server.ts';
import { createAccount } from '../../core/accounts/accounts.ts';
import { openDatabase, type Database } from '../../core/db/database.ts';
import { createTillConnector } from '../../connectors/pos-webhook/connector.ts';
import { createLogger } from '../../core/log.ts';
import { buildHarness, type Harness } from '../api/harness.ts';

const SECRET = 'readme-snippet-secret-0123456789abcdef';

/** The first ```js block after `heading` in the README. */
function snippet(heading: string): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(heading);
  const m = /```js\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !m?.[1]) throw new Error(`no js snippet after "${heading}" in README.md`);
  return m[1];
}

describe('README till signing snippet (Node)', () => {
  let db: Database;
  let h: Harness;
  let server: RunningServer;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    // The snippet signs with the real time: the hub's clock is the system clock here.
    h = await buildHarness(db, { connectors: { pos: createTillConnector() } });
    await createAccount(db.prisma, h.secretKey, {
      id: 'readme-till',
      type: 'pos',
      name: 'T',
      credentials: { signingSecret: SECRET },
    });
    server = await startServer(h.app, { port: 0, host: '127.0.0.1' }, createLogger({ logLevel: 'silent' }));
  });
  afterAll(async () => {
    await server?.close(1000);
    await db?.close();
  });

  it('produces a signature the hub accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'till-snippet-'));
    const file = join(dir, 'post-till-event.mjs');
    writeFileSync(file, snippet('Node (18+):'));
    const { postTillEvent } = (await import(pathToFileURL(file).href)) as {
      postTillEvent(hub: string, account: string, secret: string, event: unknown): Promise<{ stored: number }>;
    };
    const event = {
      kind: 'count',
      eventId: 'readme-1',
      occurredAt: new Date().toISOString(),
      location: 'store-1',
      counts: [{ sku: 'TEE-M-BLUE', onHand: 4 }],
    };
    expect(await postTillEvent(server.url, 'readme-till', SECRET, event)).toEqual({ received: 1, stored: 1 });
    await expect(
      postTillEvent(server.url, 'readme-till', `${SECRET}x`, { ...event, eventId: 'readme-2' }),
    ).rejects.toThrow(/401/);
    expect(await db.prisma.inboxEvent.count({ where: { accountId: 'readme-till' } })).toBe(1);
  });
});
