// The load generator of `npm run bench:webhooks`, in a worker thread so that autocannon does
// not share the bench's event loop. Sends signed Shopify webhooks: the deliveries (body and its
// HMAC, signed beforehand) in turn, each request with a new X-Shopify-Webhook-Id so that every
// delivery is a new inbox row.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

// autocannon ships no types: the slice used here.
interface AutocannonResult {
  requests: { sent: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p99: number };
}
type Autocannon = ((
  opts: Record<string, unknown>,
  done: (err: Error | null, r: unknown) => void,
) => { on(event: 'reqError', fn: (err: { code?: string; message?: string }) => void): void }) & {
  /** Off the main thread autocannon hands back encoded histograms: this decodes them. */
  aggregateResult(raw: unknown, opts: Record<string, unknown>): AutocannonResult;
};
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadConfig {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Send exactly this many requests (a burst) instead of running for durationSeconds. */
  amount?: number;
  /** Requests per second over all connections; 0 = as fast as the hub answers. */
  rate: number;
  deliveries: { body: string; hmac: string }[];
  headers: Record<string, string>;
  idPrefix: string;
}

export interface LoadResult {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Socket errors by code (ECONNRESET = a connection the hub reset; EPIPE, ...). */
  errorCodes: Record<string, number>;
  durationSeconds: number;
  p50ms: number;
  p99ms: number;
}

const cfg = workerData as LoadConfig;
let seq = 0;
const options = {
  url: cfg.url,
  connections: cfg.connections,
  ...(cfg.amount ? { amount: cfg.amount } : { duration: cfg.durationSeconds }),
  ...(cfg.rate > 0 ? { overallRate: cfg.rate } : {}),
  timeout: 10,
  requests: [
    {
      method: 'POST',
      setupRequest: (req: { headers: Record<string, string>; body: string }) => {
        seq += 1;
        const d = cfg.deliveries[seq % cfg.deliveries.length]!;
        req.headers = {
          ...cfg.headers,
          'X-Shopify-Hmac-Sha256': d.hmac,
          'X-Shopify-Webhook-Id': `${cfg.idPrefix}-${seq}`,
        };
        req.body = d.body;
        return req;
      },
    },
  ],
};
const errorCodes: Record<string, number> = {};
const instance = autocannon(options, (err, raw) => {
  if (err) throw err;
  const r = autocannon.aggregateResult([raw], options);
  const result: LoadResult = {
    rate: cfg.rate,
    sent: r.requests.sent,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    errorCodes,
    durationSeconds: r.duration,
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
  };
  parentPort?.postMessage(result);
});
instance.on('reqError', (e) => {
  const code = e.code ?? e.message ?? 'unknown';
  errorCodes[code] = (errorCodes[code] ?? 0) + 1;
});
