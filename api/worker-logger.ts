/**
 * The Worker's logger: pino-shaped JSON lines written through `console.log`
 * (pino does not run on Workers; Workers Logs / `wrangler tail` collect the
 * console). Same fields as the Node logger: numeric `level` (30 info, 40 warn,
 * 50 error), ISO `time`, `service`, `msg`, then the logged object.
 *
 * Redaction is core/redact.ts, the same walk the Node logger uses (core/log.ts
 * itself cannot be imported here because it loads pino). Never interpolate
 * secrets into the message string: it is not inspected.
 */
import { redactSecrets } from '../core/redact.ts';
import type { AppLogger } from './app.ts';

// Workers have no pino: errors are flattened by the shared plain serializer.
export { isSecretKey, REDACT_CENSOR, redactSecrets } from '../core/redact.ts';

export interface WorkerLoggerOptions {
  /** Fields on every line (default `{ service: 'omnihub', runtime: 'workers' }`). */
  base?: Record<string, unknown>;
  /** Where lines go (default `console.log`); tests pass a collector. */
  write?: (line: string) => void;
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export function createWorkerLogger(opts: WorkerLoggerOptions = {}): AppLogger {
  const base = opts.base ?? { service: 'omnihub', runtime: 'workers' };
  const write = opts.write ?? ((line: string) => console.log(line));
  const emit = (level: keyof typeof LEVELS, obj: object, msg?: string) => {
    let line: string;
    try {
      line = JSON.stringify({
        level: LEVELS[level],
        time: new Date().toISOString(),
        ...base,
        ...redactSecrets(obj),
        ...(msg !== undefined ? { msg } : {}),
      });
    } catch {
      line = JSON.stringify({
        level: LEVELS[level],
        time: new Date().toISOString(),
        ...base,
        msg,
        unserializable: true,
      });
    }
    write(line);
  };
  return {
    info: (obj, msg) => emit('info', obj, msg),
    warn: (obj, msg) => emit('warn', obj, msg),
    error: (obj, msg) => emit('error', obj, msg),
  };
}
