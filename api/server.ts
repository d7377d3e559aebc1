/**
 * Node HTTP server for the hono app, and graceful shutdown on SIGINT/SIGTERM.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Clock, systemClock } from '../core/clock.ts';

type FetchHandler = Parameters<typeof serve>[0]['fetch'];

export interface ServerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:3000` (the real port when 0 was asked for). */
  url: string;
  port: number;
  /**
   * Stop accepting connections, let in-flight requests finish, close idle
   * keep-alive connections; after `timeoutMs` (default 10 s) drop the rest.
   * Safe to call more than once.
   */
  close(timeoutMs?: number): Promise<void>;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Listen on `host:port` (port 0 picks a free one). Resolves once listening;
 * rejects if the address cannot be bound (e.g. EADDRINUSE).
 */
export function startServer(
  app: { fetch: FetchHandler },
  options: { port: number; host: string },
  logger: ServerLogger,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host });

    const onError = (err: Error) => {
      server.off('listening', onListening);
      server.close();
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      server.on('error', (err) => logger.error({ err }, 'http server error'));
      const address = server.address() as AddressInfo;
      const url = `http://${formatHost(options.host)}:${address.port}`;
      logger.info({ url, host: options.host, port: address.port }, 'http server listening');

      let closing: Promise<void> | undefined;
      const close = (timeoutMs = 10_000): Promise<void> => {
        closing ??= new Promise<void>((done) => {
          const http = server as Server;
          const force = setTimeout(() => {
            logger.warn({ timeoutMs }, 'http server: dropping connections still open at shutdown');
            http.closeAllConnections?.();
          }, timeoutMs);
          force.unref();
          server.close(() => {
            clearTimeout(force);
            logger.info({ url }, 'http server closed');
            done();
          });
          http.closeIdleConnections?.();
        });
        return closing;
      };
      resolve({ url, port: address.port, close });
    };

    server.once('error', onError);
    server.once('listening', onListening);
  });
}

// ---------------------------------------------------------------------------
// graceful shutdown

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';
export type ShutdownHandler = (signal: ShutdownSignal) => void | Promise<void>;

export interface ShutdownOptions {
  logger?: ServerLogger;
  /** Hard limit for all handlers together (default 15 s); then exit with code 1. */
  timeoutMs?: number;
  /** How to end the process (default `process.exit`); injectable for tests. */
  exit?: (code: number) => void;
  /** Times the relay window below (default the system clock). */
  clock?: Clock;
}

/**
 * The same signal again within this window is the first one relayed, not a second request:
 * `npm run` / tsx pass a Ctrl-C on to the process while the terminal (or `timeout`) also
 * sends it to the whole process group, so one keypress arrives twice about a millisecond apart
 * and cut the demo's and the hub's graceful shutdown short.
 */
const RELAYED_WITHIN_MS = 100;

const handlers: ShutdownHandler[] = [];
let settings: ShutdownOptions = {};
let installed = false;
let shuttingDown = false;
let first: { signal: ShutdownSignal; atMs: number } | null = null;

async function shutdown(signal: ShutdownSignal): Promise<void> {
  const { logger, timeoutMs = 15_000, exit = (code: number) => process.exit(code), clock = systemClock } = settings;
  if (shuttingDown) {
    if (first && first.signal === signal && clock.nowMs() - first.atMs < RELAYED_WITHIN_MS) return;
    logger?.warn({ signal }, 'second shutdown signal: exiting now');
    exit(1);
    return;
  }
  shuttingDown = true;
  first = { signal, atMs: clock.nowMs() };
  logger?.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    logger?.error({ timeoutMs }, 'shutdown took too long: exiting');
    exit(1);
  }, timeoutMs);
  timer.unref();
  let code = 0;
  // Last registered first: close the HTTP server before the database it uses.
  for (const fn of [...handlers].reverse()) {
    try {
      await fn(signal);
    } catch (err) {
      code = 1;
      logger?.error({ err }, 'shutdown handler failed');
    }
  }
  clearTimeout(timer);
  logger?.info({ signal, code }, 'shutdown complete');
  exit(code);
}

function onSignal(signal: ShutdownSignal): void {
  void shutdown(signal);
}

/**
 * Run `fn` once on the first SIGINT or SIGTERM, then exit. Handlers run one
 * after another, the last registered first (register the database before the
 * HTTP server). A second signal exits at once with code 1. `options`, when
 * given, replace the previous ones (they are shared by all handlers).
 * Returns a function that unregisters `fn`.
 */
export function onShutdown(fn: ShutdownHandler, options?: ShutdownOptions): () => void {
  handlers.push(fn);
  if (options) settings = options;
  if (!installed) {
    installed = true;
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return () => {
    const i = handlers.indexOf(fn);
    if (i >= 0) handlers.splice(i, 1);
    if (handlers.length === 0 && installed) {
      // Nothing left to run: give the signals back their default behaviour.
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      installed = false;
      shuttingDown = false;
      first = null;
      settings = {};
    }
  };
}
