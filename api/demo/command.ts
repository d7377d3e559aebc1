// The demo command (`npm run demo`, `omnihub demo`): parses the options, starts the demo,
// prints where to look and a status line now and then, and stops cleanly on Ctrl-C or after
// --duration. Output goes to the given streams, so the CLI can run it in process.
import { existsSync, statSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel } from '../../core/config.ts';
import { helpText, UsageError } from '../cli/args.ts';
import { landingSnapshot } from '../landing/index.tsx';
import { onShutdown } from '../server.ts';
import { type DemoArgs, demoCommand, parseDemoArgs } from './args.ts';
import { type Demo, DemoDataDirError, startDemo } from './run.ts';

export interface DemoIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const v = env.LOG_LEVEL;
  return v && (LOG_LEVELS as readonly string[]).includes(v) ? (v as LogLevel) : 'info';
}

function time(d = new Date()): string {
  return d.toTimeString().slice(0, 8);
}

function banner(demo: Demo, args: DemoArgs): string[] {
  const pad = (s: string) => s.padEnd(10);
  const shops = demo.sims.shops;
  const stores = demo.setup.stores;
  const hot = demo.setup.catalogue.filter((s) => s.hot);
  const lines = [
    '',
    'omnihub demo is running',
    '',
    `  ${pad('Landing')}${demo.landingUrl}`,
    `  ${pad('')}orders per channel, stock on each channel converging, pickups, exceptions (refreshes every 2 s)`,
    `  ${pad('Staff')}${demo.staffUrl}`,
    ...stores.map((s) => `  ${pad('')}${s.name} (${s.code}): PIN ${s.pin}`),
    `  ${pad('API docs')}${demo.docsUrl}`,
    `  ${pad('Mails')}${demo.mailsUrl}   customer notifications caught by the development SMTP sink`,
    `  ${pad('API key')}${demo.adminKey}   (admin, this demo only)`,
    `  ${pad('')}curl -H "Authorization: Bearer ${demo.adminKey}" ${demo.url}/api/v1/orders`,
    '',
    `  ${pad('Channels')}${shops
      .map((s) => `${s.name} = Shopify simulator ${s.url} (${s.sim.shop})`)
      .join(`\n  ${pad('')}`)}`,
    ...demo.channels.map((c) => `  ${pad('')}${c.summary}`),
    `  ${pad('')}Shopify webhooks go to ${demo.url}/webhooks/<account>; polling every 30 s is the safety net`,
    `  ${pad('Catalogue')}${demo.setup.catalogue.length} SKUs over a warehouse and ${stores.length} stores; hot SKUs (low stock): ${hot
      .map((s) => s.code)
      .join(', ')}`,
    `  ${pad('Traffic')}${
      args.ratePerMinute > 0
        ? `${args.ratePerMinute} orders/min: web orders on both shops, Shopify POS counter sales, click-and-collect, some cancellations and refunds${
            demo.channels.length
              ? `; on each other channel a quarter of that (${demo.channels.map((c) => c.key).join(', ')})`
              : ''
          }`
        : 'none (--rate 0)'
    }`,
  ];
  const seed = demo.seedReport;
  if (seed) {
    const byShop = new Map<string, string[]>();
    for (const o of seed.orders) byShop.set(o.shop, [...(byShop.get(o.shop) ?? []), o.name]);
    const placed = [...byShop].map(([shop, names]) => `${names.join(', ')} on ${shop}`).join('; ');
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    lines.push(
      `  ${pad('Seed')}${args.seedDir}: ${plural(seed.orders.length, 'order')} replayed (${placed || 'none'}), ${plural(
        seed.fulfilments,
        'fulfilment',
      )}, ${plural(seed.refunds, 'refund')}, ${plural(seed.cancellations, 'cancellation')}`,
    );
    for (const note of new Set(seed.orders.map((o) => o.currencyNote).filter(Boolean)))
      lines.push(`  ${pad('')}orders ${note}`);
    if (seed.addedSkus.length) lines.push(`  ${pad('')}SKUs added to the catalogue: ${seed.addedSkus.join(', ')}`);
    for (const s of seed.skipped) lines.push(`  ${pad('')}skipped ${s.file}: ${s.reason}`);
  }
  lines.push(
    `  ${pad('Data')}${demo.dataDir}: embedded PostgreSQL (PGlite), no server needed; WIPED at every start, so each demo starts clean`,
    `  ${pad('Logs')}${demo.logFile ?? '(custom destination)'}`,
    '',
    args.durationMs
      ? `Stops by itself in ${Math.round(args.durationMs / 1000)} s; Ctrl-C stops it sooner.`
      : 'Ctrl-C stops it.',
    '',
  );
  return lines;
}

async function statusLine(demo: Demo): Promise<string> {
  const s = await landingSnapshot(demo.db.prisma, {
    hotSkus: demo.setup.hotCodes,
    channelQuantity: (l) => demo.shows(l.accountId, l.externalStockId),
  });
  const chans = s.channels
    .map((c) => `${c.name} ${c.orders}${c.counter ? ` (${c.counter} at the counter)` : ''}`)
    .join(', ');
  const pickups = s.pickups.reduce((n, p) => n + p.toPrepare + p.ready, 0);
  const inSync = s.hotSkus.filter((h) => h.inSync).length;
  return `[${time()}] orders ${s.totals.orders} (${chans}) · pickups waiting ${pickups} · exceptions ${s.exceptions.open} · hot SKUs in sync ${inSync}/${s.hotSkus.length}`;
}

/**
 * Runs the demo command line (`argv` without the program; a leading "demo" is dropped).
 * Resolves with an exit code, or 'running' while the demo runs (it then owns the process:
 * Ctrl-C or --duration stop it and exit).
 */
export async function runDemoCommand(
  argv: readonly string[],
  io: DemoIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number | 'running'> {
  const out = (line = '') => io.stdout.write(`${line}\n`);
  const env = io.env ?? process.env;
  let args: DemoArgs;
  try {
    args = parseDemoArgs(argv, env);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`omnihub demo: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    out(helpText(demoCommand).trimEnd());
    return 0;
  }
  if (args.seedDir && !(existsSync(args.seedDir) && statSync(args.seedDir).isDirectory())) {
    io.stderr.write(`omnihub demo: --seed ${args.seedDir} is not a directory\n`);
    return 2;
  }

  out(`omnihub demo: starting on a clean database in ${args.dataDir} (emptied at every start)…`);
  let demo: Demo;
  try {
    demo = await startDemo({
      port: args.port,
      host: args.host,
      dataDir: args.dataDir,
      seedDir: args.seedDir,
      ratePerMinute: args.ratePerMinute,
      logLevel: logLevel(env),
      channels: args.channels,
    });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (e instanceof DemoDataDirError) io.stderr.write(`omnihub demo: ${e.message}\n`);
    else if (code === 'EADDRINUSE')
      io.stderr.write(`omnihub demo: port ${args.port} is in use (is the hub running?); pass --port <another>\n`);
    else io.stderr.write(`omnihub demo failed to start: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
  for (const line of banner(demo, args)) out(line);

  const timer = args.quiet
    ? null
    : setInterval(() => {
        statusLine(demo)
          .then(out)
          .catch(() => undefined);
      }, 15_000);
  timer?.unref();

  // Stop the buyers, let the hub finish what is in flight, show where it ended.
  let finishing: Promise<void> | null = null;
  const finish = (why: string, settleMs: number) => {
    finishing ??= (async () => {
      if (timer) clearInterval(timer);
      out(`\n${why}: stopping the traffic and letting the queues drain…`);
      await demo.stopTraffic();
      const settled = await demo.settle(settleMs);
      out(await statusLine(demo).catch(() => '(no final status)'));
      out(
        settled
          ? 'Every channel shows the hub’s target quantity.'
          : `Some channels had not caught up within ${Math.round(settleMs / 1000)} s.`,
      );
      await demo.stop();
    })();
    return finishing;
  };
  // Ctrl-C: a short drain; a second Ctrl-C exits at once.
  onShutdown((signal) => finish(signal, 5_000), { timeoutMs: 30_000 });
  if (args.durationMs) {
    setTimeout(() => {
      finish(`${Math.round((args.durationMs ?? 0) / 1000)} s elapsed`, 20_000)
        .then(() => process.exit(0))
        .catch((e) => {
          io.stderr.write(`omnihub demo: ${(e as Error).message}\n`);
          process.exit(1);
        });
    }, args.durationMs);
  }
  return 'running';
}
