// The demo's command line (`npm run demo -- [options]`, `omnihub demo [options]`), parsed with
// the CLI's own parser so that both read and report options the same way.
import { type CommandSpec, parseArgs, UsageError } from '../cli/args.ts';
import { DEMO_CHANNEL_KEYS, type DemoChannelKey } from './channel.ts';

export const DEMO_DEFAULTS = {
  port: 3000,
  host: '127.0.0.1',
  dataDir: './data/demo',
  ratePerMinute: 20,
} as const;

export const demoCommand: CommandSpec = {
  name: 'demo',
  summary:
    'Run the demo: the hub on a throw-away embedded database with two simulated Shopify shops (one with Shopify POS in a store), an Amazon seller (UK and DE, some offers FBA), an eBay seller and a Square till in the flagship store, a warehouse and two stores, 52 SKUs and steady simulated orders.',
  options: {
    port: {
      type: 'string',
      valueName: 'port',
      description: `HTTP port of the hub (default ${DEMO_DEFAULTS.port}; 0 picks a free one)`,
    },
    host: { type: 'string', valueName: 'host', description: `interface to listen on (default ${DEMO_DEFAULTS.host})` },
    'data-dir': {
      type: 'string',
      valueName: 'dir',
      description: `where the demo keeps its database and logs (default ${DEMO_DEFAULTS.dataDir}); WIPED at every start`,
    },
    seed: {
      type: 'string',
      valueName: 'dir',
      description:
        "replay JSON files in the vendor's own format (Shopify REST orders, refunds, products) through the simulators",
    },
    rate: {
      type: 'string',
      valueName: 'orders/min',
      description: `simulated orders per minute (default ${DEMO_DEFAULTS.ratePerMinute}; 0 for none)`,
    },
    duration: {
      type: 'string',
      valueName: 'time',
      description: 'stop after this long (90s, 5m, 1h); default: run until Ctrl-C',
    },
    quiet: { type: 'boolean', description: 'print the URLs only, no periodic status line' },
    only: {
      type: 'string',
      valueName: 'channels',
      description: `run only these channels, comma-separated: shopify (always runs), ${DEMO_CHANNEL_KEYS.join(', ')}; default: all (--only shopify: the Shopify shops alone)`,
    },
  },
  notes: [
    'The data directory is emptied at start so that each demo starts clean; the demo refuses to empty a directory it did not create.',
    'Seed files: see api/demo/seed-files.ts; tests/fixtures/shopify/ holds examples (npm run demo -- --seed tests/fixtures/shopify).',
  ],
  examples: [
    'npm run demo',
    'npm run demo -- --rate 60 --port 3100',
    'npm run demo -- --seed tests/fixtures/shopify --duration 2m',
    'npm run demo -- --only shopify',
    'npm run demo -- --only shopify,amazon',
  ],
};

export interface DemoArgs {
  help: boolean;
  port: number;
  host: string;
  dataDir: string;
  seedDir: string | null;
  ratePerMinute: number;
  durationMs: number | null;
  quiet: boolean;
  /** The channels beside the Shopify shops (--only); default all. */
  channels: DemoChannelKey[];
}

/** "90s", "5m", "1.5h", "500ms" or plain seconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'h' ? n * 3_600_000 : n * 60_000;
  return ms > 0 && Number.isFinite(ms) ? Math.round(ms) : null;
}

export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DemoArgs {
  // `omnihub demo …` hands its whole command line over: drop the command name.
  const rest = argv[0] === 'demo' ? argv.slice(1) : argv;
  const { options, help } = parseArgs(demoCommand, rest);
  const str = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);

  const portText = str('port') ?? env.PORT ?? String(DEMO_DEFAULTS.port);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be 0..65535 (got "${portText}")`, 'demo');

  const rateText = str('rate') ?? String(DEMO_DEFAULTS.ratePerMinute);
  const rate = Number(rateText);
  if (!/^\d+(\.\d+)?$/.test(rateText) || rate > 6000)
    throw new UsageError(`--rate must be orders per minute, 0..6000 (got "${rateText}")`, 'demo');

  const durationText = str('duration');
  const durationMs = durationText === undefined ? null : parseDuration(durationText);
  if (durationText !== undefined && durationMs === null)
    throw new UsageError(`--duration must look like 90s, 5m or 1h (got "${durationText}")`, 'demo');

  const onlyText = str('only');
  const channels = onlyText === undefined ? [...DEMO_CHANNEL_KEYS] : parseOnly(onlyText);

  return {
    help,
    port,
    host: str('host') ?? env.HOST ?? DEMO_DEFAULTS.host,
    dataDir: str('data-dir') ?? DEMO_DEFAULTS.dataDir,
    seedDir: str('seed') ?? null,
    ratePerMinute: rate,
    durationMs,
    quiet: options.quiet === true,
    channels,
  };
}

/** --only's list: known names, Shopify implied (the demo's catalogue lives on its shops). */
function parseOnly(text: string): DemoChannelKey[] {
  const names = text
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => n !== 'shopify' && !(DEMO_CHANNEL_KEYS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0)
    throw new UsageError(
      `--only takes channels among shopify, ${DEMO_CHANNEL_KEYS.join(', ')} (got "${text}")`,
      'demo',
    );
  return DEMO_CHANNEL_KEYS.filter((k) => names.includes(k));
}
