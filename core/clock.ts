// The hub's one source of time. Every rule that depends on "now" (debounce windows, the
// poller's lookback, a refund waiting for its order, pickup holds and "today" in a store's
// zone, sign-in windows, retention, cache lifetimes) reads the Clock handed down from the
// composition root (api/hub.ts, the CLI, the demo); tests hand down a ManualClock they move
// by hand, so they pass on any date. Which SQL rules use this clock and which the database's
// own is written in core/README.md ("Time").
//
// Measuring how long something took (request logs, metrics, progress lines, uptime) is not a
// rule: it uses performance.now(), which never jumps when the wall clock is set.

export interface Clock {
  now(): Date;
  /** The same instant as now(), in milliseconds since the epoch. */
  nowMs(): number;
  /** Waits `ms` of this clock's time (a manual clock moves forward instead of waiting). */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/**
 * Time that moves only when told: tests, and the simulators and benchmark on virtual time
 * (rate-limit waits cost nothing). Starts at the system time when created unless given a
 * start, so anything built against it also agrees with the real date.
 */
export class ManualClock implements Clock {
  private t: number;
  /** Total time slept through sleep(), in ms. */
  slept = 0;

  constructor(start: number | Date | string = systemClock.nowMs()) {
    this.t = toMs(start);
  }

  now(): Date {
    return new Date(this.t);
  }

  nowMs(): number {
    return this.t;
  }

  set(at: number | Date | string): void {
    this.t = toMs(at);
  }

  advance(ms: number): void {
    this.t += Math.max(0, ms);
  }

  async sleep(ms: number): Promise<void> {
    const d = Math.max(0, Math.ceil(ms));
    this.t += d;
    this.slept += d;
    // Yield so that concurrent work interleaves as it would around a real timer.
    await Promise.resolve();
  }
}

function toMs(at: number | Date | string): number {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${String(at)}`);
  return ms;
}
