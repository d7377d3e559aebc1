/**
 * Cloudflare Workers entry (`wrangler.toml`: `main = "api/worker.ts"`): the hub's
 * HTTP app on Workers, PostgreSQL through Hyperdrive or DATABASE_URL. See
 * `worker-app.ts`. Only the handler is exported: workerd rejects an entry
 * module whose other named exports are not handlers or classes.
 */
import { workerHandler } from './worker-app.ts';

export type { WorkerContext, WorkerEnv } from './worker-app.ts';

export default workerHandler;
