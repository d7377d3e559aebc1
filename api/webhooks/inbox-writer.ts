// Group commit for the webhook door. Each delivery is answered only once its events are
// committed, but deliveries that arrive while earlier inserts are still running are written
// together, in one statement and one commit, when a slot frees up. At low load nothing
// waits (each delivery gets its own statement at once); under load the batches grow, so
// the commits per second the database must do stay flat while deliveries per second rise.
// A failed batch is retried one delivery at a time, so one bad delivery fails only itself.
import type { InboundEvent } from '../../connectors/connector.ts';
import type { RawSql } from '../../core/db/sql.ts';
import { type Delivery, storeDeliveries } from '../../core/inbox/inbox.ts';

export interface InboxWriterOptions {
  /** Statements in flight at once (default 4; keep below the database pool size). */
  maxInFlight?: number;
  /** Most events in one statement (default 500). */
  maxBatchEvents?: number;
}

interface Pending extends Delivery {
  resolve(stored: number): void;
  reject(err: unknown): void;
}

export class InboxWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatchEvents: number;

  constructor(
    private readonly sql: RawSql,
    options: InboxWriterOptions = {},
  ) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4);
    this.maxBatchEvents = Math.max(1, options.maxBatchEvents ?? 500);
  }

  /** Resolves with how many of the events were new, once they are committed. */
  write(accountId: string, events: InboundEvent[]): Promise<number> {
    if (events.length === 0) return Promise.resolve(0);
    return new Promise((resolve, reject) => {
      this.queue.push({ accountId, events, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      let events = 0;
      while (this.queue.length > 0) {
        const next = this.queue[0] as Pending;
        if (batch.length > 0 && events + next.events.length > this.maxBatchEvents) break;
        batch.push(this.queue.shift() as Pending);
        events += next.events.length;
      }
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    try {
      const stored = await storeDeliveries(this.sql, batch);
      for (const [i, p] of batch.entries()) p.resolve(stored[i]?.length ?? 0);
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          p.resolve((await storeDeliveries(this.sql, [p]))[0]?.length ?? 0);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
