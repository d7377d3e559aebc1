// Draining on shutdown: from the first signal on, requests already in flight finish while new
// ones get 503 (with Connection: close, so a load balancer retries them on another process) and
// /health says "draining"; the server closes once nothing is in flight. Runtime-neutral.
import type { MiddlewareHandler } from 'hono';

export class Drain {
  private active = false;
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  get draining(): boolean {
    return this.active;
  }

  /** Counts requests in flight; refuses new ones (but /health) once draining. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    if (this.active && c.req.path !== '/health') {
      c.header('connection', 'close');
      c.header('retry-after', '1');
      return c.json(
        { error: { code: 'draining', message: 'this process is shutting down; send the request again' } },
        503,
      );
    }
    this.inFlight += 1;
    try {
      await next();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const w of this.waiters.splice(0)) w();
    }
  };

  /** Starts refusing new requests. */
  begin(): void {
    this.active = true;
  }

  /** Resolves true once no request is in flight, false when `timeoutMs` passed first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
