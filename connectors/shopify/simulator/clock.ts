// Virtual time shared by the simulator (bucket refill, timestamps) and the connector (pacing
// waits), so tests and the benchmark exercise throttling without sleeping for real.
import type { Clock } from '../throttle.ts';

export class VirtualClock implements Clock {
  private t: number;
  /** Total virtual time slept, in ms. */
  slept = 0;

  constructor(start: number | string = '2026-11-20T10:00:00Z') {
    this.t = typeof start === 'number' ? start : Date.parse(start);
  }

  now(): number {
    return this.t;
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
