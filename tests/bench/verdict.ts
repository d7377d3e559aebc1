// The correctness verdict every benchmark ends with. A bench prints figures that must hold
// (oversold 0, lost updates 0, queues drained, orders = buys, ...); each is checked here, and
// one wrong figure makes the process exit 1, so no run can print a wrong number and pass.
// Exit 2 stays what it was in every bench: bad flags, an unavailable service, a crash.

export const EXIT_WRONG_FIGURE = 1;

interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

export class Verdict {
  private readonly checks: Check[] = [];

  /** `actual` must be exactly `expected`. */
  equal(what: string, actual: number | string | boolean, expected: number | string | boolean): this {
    return this.that(what, actual === expected, `${actual} (expected ${expected})`);
  }

  zero(what: string, actual: number): this {
    return this.equal(what, actual, 0);
  }

  /** A condition with the figure that shows it, for checks that are not one equality. */
  that(what: string, ok: boolean, detail: string): this {
    this.checks.push({ what, ok, detail });
    return this;
  }

  get failures(): readonly Check[] {
    return this.checks.filter((c) => !c.ok);
  }

  /** Prints every failed check (or one OK line) and returns the exit code: 0, or 1 when a figure is wrong. */
  report(log: (line: string) => void = console.log): number {
    const failed = this.failures;
    if (failed.length === 0) {
      log(`\nOK: all ${this.checks.length} correctness checks hold.`);
      return 0;
    }
    log(`\nFAIL: ${failed.length} of ${this.checks.length} correctness checks do not hold:`);
    for (const c of failed) log(`  ${c.what}: ${c.detail}`);
    return EXIT_WRONG_FIGURE;
  }
}

/** A bench's own code for a crash or bad flags: it outranks the verdict. */
const EXIT_CRASH = 2;

/**
 * Reports the verdict and makes it the exit code, as the process exits too: PGlite's runtime
 * writes process.exitCode itself (99 once it starts, 0 when it closes), so a bench that closed
 * its embedded database after printing FAIL exited 0. At exit only the bench's own crash code
 * (2) is kept over the verdict; whatever else is there came from the runtime.
 */
export function exitWithVerdict(verdict: Verdict): void {
  const code = verdict.report();
  const final = () => (Number(process.exitCode ?? 0) === EXIT_CRASH ? EXIT_CRASH : code);
  process.exitCode = final();
  process.once('exit', () => {
    process.exitCode = final();
  });
}
