// Two lanes in front of the embedded PGlite, which is one connection running its WebAssembly on
// the main thread. Without them every statement and transaction waits in one FIFO behind the
// others, and a burst of inbox processing (each order a transaction of a dozen statements) both
// holds the connection and starves the event loop, so the webhook door's one INSERT waits seconds
// and keep-alive sockets time out unread.
//
// - `door`: the request path's short writes (the webhook door). Served before anything queued in
//   the background lane, at the next boundary between two statements or transactions.
// - `background`: everything else (jobs, the outbox dispatcher, the sweep, the REST API).
//   Before each of its turns the scheduler yields to the event loop once (setImmediate), so
//   sockets are read and new deliveries reach the door lane between any two background turns.
//
// One turn is one `query`, one `exec` or one whole `transaction` (the statements of an open
// transaction run inside its turn: they cannot wait for another turn on the one connection).
import type { PGlite, Transaction } from '@electric-sql/pglite';

export type Lane = 'door' | 'background';

/** The part of PGlite that pglite-prisma-adapter calls. */
type Client = Pick<PGlite, 'query' | 'exec' | 'transaction'>;

interface Turn {
  run(): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class PgliteLanes {
  private readonly waiting: Record<Lane, Turn[]> = { door: [], background: [] };
  private busy = false;
  private yielding = false;

  /** `yieldToEventLoop` is injectable for tests; the default lets pending I/O callbacks run first. */
  constructor(
    private readonly db: Client,
    private readonly yieldToEventLoop: (then: () => void) => void = (then) => setImmediate(then),
  ) {}

  /** A PGlite-shaped client whose calls take turns in `lane` (hand it to PrismaPGlite). */
  client(lane: Lane): PGlite {
    const view: Client = {
      query: ((sql: string, params?: unknown[], options?: unknown) =>
        this.run(lane, () => this.db.query(sql, params as never, options as never))) as Client['query'],
      exec: ((sql: string, options?: unknown) =>
        this.run(lane, () => this.db.exec(sql, options as never))) as Client['exec'],
      transaction: (<T>(fn: (tx: Transaction) => Promise<T>) =>
        this.run(lane, () => this.db.transaction(fn))) as Client['transaction'],
    };
    return view as PGlite;
  }

  /** Turns waiting, per lane (for tests and metrics). */
  depth(): Record<Lane, number> {
    return { door: this.waiting.door.length, background: this.waiting.background.length };
  }

  run<T>(lane: Lane, fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting[lane].push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.busy) return;
    const door = this.waiting.door.shift();
    if (door) {
      this.start(door);
      return;
    }
    if (this.waiting.background.length === 0 || this.yielding) return;
    // A background turn only after one trip round the event loop: a delivery whose bytes have
    // arrived meanwhile is read, verified and queued in the door lane, and goes first.
    this.yielding = true;
    this.yieldToEventLoop(() => {
      this.yielding = false;
      if (this.busy) return;
      const turn = this.waiting.door.shift() ?? this.waiting.background.shift();
      if (turn) this.start(turn);
    });
  }

  private start(turn: Turn): void {
    this.busy = true;
    let settled: Promise<unknown>;
    try {
      settled = turn.run();
    } catch (error) {
      settled = Promise.reject(error);
    }
    settled.then(turn.resolve, turn.reject).finally(() => {
      this.busy = false;
      this.next();
    });
  }
}
