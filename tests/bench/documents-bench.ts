// Documents per second: 1,000 shipped orders (EUR, JPY, KWD, 1–3 lines with tax) invoiced one
// after another in one process — number allocated, PDF rendered with embedded fonts, made a
// Factur-X (CII XML embedded, PDF/A-3), for every other order (a business customer) an
// XRechnung as well, archived with its hash chain — on the embedded PGlite (default) or
// PostgreSQL (--db-url), into the database store (default) or a directory (--store directory).
// Then `archive verify` runs over everything. Exits 1 (verdict.ts) when a document is missing,
// numbers have a gap or a duplicate, an e-invoice is missing, or the chain does not verify.
// Run: npm run bench:documents [-- --orders 1000] [--store directory] [--db-url postgresql://…]
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../core/clock.ts';
import { openDatabase } from '../../core/db/database.ts';
import { databaseStore } from '../../core/documents/archive/database-store.ts';
import { directoryStore } from '../../core/documents/archive/directory-store.ts';
import { verifyArchive } from '../../core/documents/archive/verify.ts';
import { issueInvoice } from '../../core/documents/issue.ts';
import { setMerchantSettings } from '../../core/documents/merchant.ts';
import { exitWithVerdict, Verdict } from './verdict.ts';

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const ORDERS = Number(flag('orders') ?? 1000);
const STORE = flag('store') ?? 'database';
const DB_URL = flag('db-url');
if (!Number.isSafeInteger(ORDERS) || ORDERS < 1 || !['database', 'directory'].includes(STORE)) {
  console.error('usage: npm run bench:documents [-- --orders N] [--store database|directory] [--db-url URL]');
  process.exit(2);
}

const CURRENCIES = [
  { currency: 'EUR', language: 'de', price: 1999, rate: '0.19' },
  { currency: 'JPY', language: 'en', price: 1500, rate: '0.1' },
  // Whole 10 fils: EN 16931 allows 2 decimals in amounts.
  { currency: 'KWD', language: 'en', price: 2000, rate: '0.05' },
] as const;

const dir = await mkdtemp(join(tmpdir(), 'omnihub-bench-documents-'));
const db = await openDatabase(DB_URL ? { url: DB_URL } : { dataDir: 'memory://' });
try {
  const prisma = db.prisma;
  const store = STORE === 'directory' ? directoryStore(join(dir, 'archive')) : databaseStore(prisma);
  const clock = new ManualClock();
  // A prefix of its own, so that a PostgreSQL database used before starts a fresh series.
  const prefix = `B${randomUUID().slice(0, 6).toUpperCase()}`;
  await setMerchantSettings(prisma, {
    name: 'Bench GmbH',
    addressLines: ['Benchstraße 1', '10115 Berlin'],
    vatId: 'DE999999999',
    street: 'Benchstraße 1',
    postalCode: '10115',
    city: 'Berlin',
    countryCode: 'DE',
    email: 'rechnung@bench.example',
    phone: '+49 30 999999',
    invoicePrefix: prefix,
  });
  const accountId = `bench-${randomUUID()}`;
  await prisma.channelAccount.create({
    data: { id: accountId, type: 'shopify', name: accountId, credentialsEnc: 'v1.bench.bench' },
  });

  const at = new Date('2026-11-20T10:00:00Z');
  const orderIds: string[] = [];
  const lines = [];
  const orders = [];
  for (let i = 0; i < ORDERS; i++) {
    const c = CURRENCIES[i % CURRENCIES.length] as (typeof CURRENCIES)[number];
    const id = randomUUID();
    const count = 1 + (i % 3);
    let subtotal = 0;
    let tax = 0;
    for (let j = 0; j < count; j++) {
      const quantity = 1 + ((i + j) % 4);
      const lineTax = Math.round((c.price * quantity * Number(c.rate)) / 1);
      subtotal += c.price * quantity;
      tax += lineTax;
      lines.push({
        id: randomUUID(),
        orderId: id,
        channelLineId: `L${j}`,
        title: `Artikel ${j + 1} für Bestellung ${i + 1}`,
        position: j,
        quantity,
        unitPrice: BigInt(c.price),
        taxTotal: BigInt(lineTax),
        taxLines: [{ title: 'VAT', rate: c.rate, amount: lineTax }],
      });
    }
    orderIds.push(id);
    orders.push({
      id,
      accountId,
      externalId: id,
      displayNumber: `#${i + 1}`,
      status: 'shipped' as const,
      currency: c.currency,
      language: c.language,
      subtotal: BigInt(subtotal),
      taxTotal: BigInt(tax),
      total: BigInt(subtotal + tax),
      billingAddress: {
        name: 'Ada Lovelace',
        // Every other buyer a company: XRechnung as well as Factur-X.
        ...(i % 2 === 0 ? { company: 'Analytical Engines Ltd' } : {}),
        line1: '12 Analytical Row',
        city: 'London',
        postalCode: 'N1 9GU',
        countryCode: 'GB',
      },
      customer: { email: `buyer${i}@example.com` },
      channelCreatedAt: at,
      channelUpdatedAt: at,
    });
  }
  await prisma.order.createMany({ data: orders });
  await prisma.orderLine.createMany({ data: lines });

  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let bytes = 0;
  let xmlBytes = 0;
  const seqs: number[] = [];
  for (const [i, id] of orderIds.entries()) {
    const { document } = await issueInvoice({ prisma, store, clock }, id);
    seqs.push(document.seq);
    bytes += document.size;
    xmlBytes += document.xmlSize ?? 0;
    if ((i + 1) % 250 === 0)
      console.log(`  ${i + 1} documents, ${((i + 1) / ((performance.now() - started) / 1000)).toFixed(1)}/s`);
  }
  const seconds = (performance.now() - started) / 1000;
  // On a shared machine the wall clock measures the neighbours too: this process's own CPU time says what a document costs here.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerDoc = (cpu.user + cpu.system) / 1000 / ORDERS;
  const verifyStarted = performance.now();
  const report = await verifyArchive(prisma, { [store.name]: store });
  const verifySeconds = (performance.now() - verifyStarted) / 1000;
  const series = `${prefix}-${clock.now().getUTCFullYear()}`;
  const inSeries = await prisma.document.count({ where: { series } });
  const facturX = await prisma.document.count({ where: { series, pdfProfile: 'factur-x-en16931' } });
  const xrechnung = await prisma.document.count({ where: { series, xmlFormat: 'xrechnung-cii' } });

  console.log(
    `\n${ORDERS} invoices on ${db.kind}, ${store.name} store: ${seconds.toFixed(1)} s, **${(ORDERS / seconds).toFixed(1)} documents/s** ` +
      `(PDF + e-invoice + archive), ${cpuMsPerDoc.toFixed(1)} ms of this process's CPU each, ${(bytes / ORDERS / 1024).toFixed(1)} KiB per Factur-X PDF, ` +
      `${xrechnung} XRechnung of ${(xmlBytes / Math.max(1, xrechnung) / 1024).toFixed(1)} KiB each; archive verify ${verifySeconds.toFixed(1)} s; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const sorted = [...seqs].sort((a, b) => a - b);
  exitWithVerdict(
    new Verdict()
      .equal('documents in the series', inSeries, ORDERS)
      .equal('Factur-X PDFs', facturX, ORDERS)
      .equal('XRechnung XMLs (business customers)', xrechnung, Math.ceil(ORDERS / 2))
      .that(
        'numbers 1..N, no gap, no duplicate',
        sorted.every((s, i) => s === i + 1),
        `first ${sorted[0]}, last ${sorted.at(-1)}, ${new Set(seqs).size} distinct`,
      )
      .zero('archive verify problems', report.problems.length),
  );
} finally {
  await db.close();
  await rm(dir, { recursive: true, force: true });
}
// The verdict's exit code survives PGlite closing (it writes process.exitCode itself: verdict.ts).
