// Simulated time for several concurrent workers: a sleeper wakes only when every worker still
// running is asleep, and the clock then jumps to the earliest wake-up. Unlike ManualClock
// (whose sleeps add up one after another), two workers waiting one second side by side cost
// one simulated second, as they would on a wall clock — without any real wait.
import type { Clock } from '../../core/clock.ts';

export class SimClock implements Clock {
  private t: number;
  private readonly sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  constructor(
    start: number,
    /** Workers that will sleep on this clock; each calls done() when it ends. */
    private running: number,
  ) {
    this.t = start;
  }

  now(): Date {
    return new Date(this.t);
  }

  nowMs(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.t + Math.max(0, Math.ceil(ms)), seq: ++this.seq, wake });
      this.advance();
    });
  }

  /** A worker ended: the others no longer wait for it to fall asleep. */
  done(): void {
    this.running -= 1;
    this.advance();
  }

  private advance(): void {
    if (this.sleepers.length === 0 || this.sleepers.length < this.running) return;
    this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = this.sleepers.shift()!;
    this.t = Math.max(this.t, next.at);
    next.wake();
  }
}
