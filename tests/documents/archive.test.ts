// The archive proves itself: verify passes on an untouched archive and names the record when a
// byte was changed, a document or a record was removed, or two records were swapped — in the
// database store and in the directory store. Neither store overwrites a document.
import { mkdtemp, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../api/cli/run.ts';
import { ManualClock } from '../../core/clock.ts';
import { type Database, openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { directoryStore } from '../../core/documents/archive/directory-store.ts';
import { ArchiveOverwriteError, type DocumentStore } from '../../core/documents/archive/store.ts';
import { verifyArchive } from '../../core/documents/archive/verify.ts';
import { issueInvoice } from '../../core/documents/issue.ts';
import { setMerchantSettings } from '../../core/documents/merchant.ts';
import { seedDocumentAccount, seedMerchant, seedOrder } from './helpers.ts';

type Tamper = (db: Database, ids: string[]) => Promise<void>;

/** What an attacker with the database's owner rights does: switch the triggers off first. */
async function asOwner(db: Database, sql: string[]) {
  await db.prisma.$executeRawUnsafe('ALTER TABLE documents DISABLE TRIGGER documents_immutable');
  await db.prisma.$executeRawUnsafe('ALTER TABLE document_blobs DISABLE TRIGGER document_blobs_immutable');
  for (const s of sql) await db.prisma.$executeRawUnsafe(s);
  await db.prisma.$executeRawUnsafe('ALTER TABLE documents ENABLE TRIGGER documents_immutable');
  await db.prisma.$executeRawUnsafe('ALTER TABLE document_blobs ENABLE TRIGGER document_blobs_immutable');
}

const flipByteInDatabase: Tamper = (db, ids) =>
  asOwner(db, [
    `UPDATE document_blobs SET bytes = set_byte(bytes, 200, (get_byte(bytes, 200) + 1) % 256) WHERE document_id = '${ids[1]}'`,
  ]);
const deleteBlob: Tamper = (db, ids) => asOwner(db, [`DELETE FROM document_blobs WHERE document_id = '${ids[1]}'`]);
const deleteRecord: Tamper = (db, ids) => asOwner(db, [`DELETE FROM documents WHERE id = '${ids[1]}'`]);
const swapRecords: Tamper = (db, ids) =>
  asOwner(db, [
    `UPDATE documents SET seq = -1 WHERE id = '${ids[1]}'`,
    `UPDATE documents SET seq = 2 WHERE id = '${ids[2]}'`,
    `UPDATE documents SET seq = 3 WHERE id = '${ids[1]}'`,
  ]);

function fileTamper(dir: string) {
  const path = (id: string | undefined) => join(dir, `${id}.pdf`);
  return {
    flipByte: (async (_db, ids) => {
      const bytes = await readFile(path(ids[1]));
      bytes[200] = ((bytes[200] ?? 0) + 1) % 256;
      await unlink(path(ids[1]));
      await writeFile(path(ids[1]), bytes);
    }) as Tamper,
    deleteFile: (async (_db, ids) => unlink(path(ids[1]))) as Tamper,
    swapFiles: (async (_db, ids) => {
      await rename(path(ids[1]), `${path(ids[1])}.tmp`);
      await rename(path(ids[2]), path(ids[1]));
      await rename(`${path(ids[1])}.tmp`, path(ids[2]));
    }) as Tamper,
  };
}

describe.each(['database', 'directory'] as const)('archive in the %s store', (storeName) => {
  let db: Database;
  let dir: string;
  let store: DocumentStore;
  let account: string;
  let prefixes = 0;
  const clock = new ManualClock();
  const stores = () => ({ [storeName]: store });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omnihub-archive-'));
    db = await openDatabase({ dataDir: 'memory://' });
    store = storeName === 'database' ? databaseStore(db.prisma) : directoryStore(dir);
    await seedMerchant(db.prisma);
    account = await seedDocumentAccount(db.prisma);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Three invoices in a series of their own (each scenario gets its own prefix). */
  async function series() {
    const prefix = `T${++prefixes}`;
    await setMerchantSettings(db.prisma, { name: 'Müller & Söhne GmbH', invoicePrefix: prefix });
    const docs = [];
    for (let i = 0; i < 3; i++) {
      const order = await seedOrder(db.prisma, account, {
        currency: 'EUR',
        lines: [{ title: `Item ${i}`, quantity: 1, unitPrice: 1000 }],
      });
      docs.push((await issueInvoice({ prisma: db.prisma, store, clock }, order.id)).document);
    }
    const key = `${prefix}-${clock.now().getUTCFullYear()}`;
    const problems = async () => (await verifyArchive(db.prisma, stores())).problems.filter((p) => p.series === key);
    expect(await problems()).toEqual([]);
    return { docs, ids: docs.map((d) => d.id), problems };
  }

  const t = () => fileTamper(dir);
  const cases: [string, () => Tamper, string][] =
    storeName === 'database'
      ? [
          ['one byte changed', () => flipByteInDatabase, 'document_altered'],
          ['its bytes deleted', () => deleteBlob, 'document_missing'],
        ]
      : [
          ['one byte changed', () => t().flipByte, 'document_altered'],
          ['its file deleted', () => t().deleteFile, 'document_missing'],
          ['its file swapped with the next one', () => t().swapFiles, 'document_altered'],
        ];

  it.each(cases)('detects a document with %s, naming it', async (_what, tamper, kind) => {
    const { docs, ids, problems } = await series();
    await tamper()(db, ids);
    const found = await problems();
    expect(found.map((p) => [p.kind, p.number])).toContainEqual([kind, docs[1]?.number]);
    expect(found.every((p) => p.number !== docs[0]?.number)).toBe(true);
  });

  it('detects a deleted record and a reordered pair of records (the chain names where it breaks)', async () => {
    const a = await series();
    await deleteRecord(db, a.ids);
    expect((await a.problems()).map((p) => [p.kind, p.seq])).toEqual(
      expect.arrayContaining([
        ['missing_record', 2],
        ['chain_broken', 3],
      ]),
    );
    const b = await series();
    await swapRecords(db, b.ids);
    const found = await b.problems();
    expect(found.map((p) => [p.kind, p.number])).toEqual(
      expect.arrayContaining([
        ['record_altered', b.docs[1]?.number],
        ['chain_broken', b.docs[2]?.number],
      ]),
    );
  });

  it('refuses to overwrite an archived document', async () => {
    const { ids } = await series();
    const id = ids[0] as string;
    await expect(db.prisma.$transaction((tx) => store.put(tx, id, new Uint8Array([1, 2, 3])))).rejects.toBeInstanceOf(
      ArchiveOverwriteError,
    );
    expect((await store.get(id))?.[0]).toBe(0x25); // still the PDF ('%')
  });
});

describe('archived rows in the database', () => {
  it('refuse UPDATE and DELETE while the triggers stand', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    try {
      await seedMerchant(db.prisma);
      const account = await seedDocumentAccount(db.prisma);
      const order = await seedOrder(db.prisma, account, {
        currency: 'EUR',
        lines: [{ title: 'X', quantity: 1, unitPrice: 1 }],
      });
      const { document } = await issueInvoice(
        { prisma: db.prisma, store: databaseStore(db.prisma), clock: new ManualClock() },
        order.id,
      );
      await expect(db.prisma.document.update({ where: { id: document.id }, data: { total: 0n } })).rejects.toThrow(
        /immutable/,
      );
      await expect(db.prisma.documentBlob.delete({ where: { documentId: document.id } })).rejects.toThrow(/immutable/);
      await expect(
        db.prisma.$executeRawUnsafe(`UPDATE document_blobs SET bytes = '\\x00' WHERE document_id = '${document.id}'`),
      ).rejects.toThrow(/immutable/);
    } finally {
      await db.close();
    }
  }, 60_000);
});

describe('omnihub archive verify', () => {
  it('exits 0 on an intact archive and 1 naming the document whose file was deleted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'omnihub-verify-'));
    const env = { OMNIHUB_DATA_DIR: join(dir, 'data'), OMNIHUB_ARCHIVE_DIR: join(dir, 'archive'), LOG_LEVEL: 'silent' };
    const cli = async () => {
      let out = '';
      let err = '';
      const code = await runCli(['archive', 'verify'], {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        env,
      });
      return { code, out, err };
    };
    try {
      const db = await openDatabase({ dataDir: env.OMNIHUB_DATA_DIR });
      let number = '';
      let id = '';
      try {
        await seedMerchant(db.prisma);
        const account = await seedDocumentAccount(db.prisma);
        const order = await seedOrder(db.prisma, account, {
          currency: 'JPY',
          lines: [{ title: 'X', quantity: 1, unitPrice: 1 }],
        });
        const store = directoryStore(env.OMNIHUB_ARCHIVE_DIR);
        ({ number, id } = (
          await issueInvoice({ prisma: db.prisma, store, clock: new ManualClock() }, order.id)
        ).document);
      } finally {
        await db.close();
      }
      const ok = await cli();
      expect(ok).toMatchObject({ code: 0, out: expect.stringContaining('1 documents in 1 series, 0 problems') });
      await unlink(join(env.OMNIHUB_ARCHIVE_DIR, `${id}.pdf`));
      const bad = await cli();
      expect(bad.code).toBe(1);
      expect(bad.out).toContain(`FAIL document_missing ${number}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
