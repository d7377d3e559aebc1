// Progress on stderr: a redrawn bar when a person watches (TTY), else one plain line per
// step, so logs and CI output stay readable.
import type { Output } from './io.ts';

export interface Progress {
  /** `done` of `total` (total unknown: null). */
  update(done: number, total: number | null, detail?: string): void;
  finish(detail?: string): void;
}

export function progress(out: Output, label: string): Progress {
  const started = Date.now();
  let lastDraw = 0;
  let last = '';
  if (!out.isTTY) {
    return {
      update(done, total, detail) {
        out.write(`${label}: ${done}${total !== null ? `/${total}` : ''}${detail ? ` ${detail}` : ''}\n`);
      },
      finish(detail) {
        out.write(`${label}: done${detail ? ` ${detail}` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      },
    };
  }
  const width = Math.max(10, Math.min(40, (out.columns ?? 80) - label.length - 40));
  const draw = (done: number, total: number | null, detail?: string, force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 50) return;
    lastDraw = now;
    let bar: string;
    if (total !== null && total > 0) {
      const filled = Math.round((Math.min(done, total) / total) * width);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
    } else {
      bar = `${done}`;
    }
    const line = `${label} ${bar}${detail ? ` ${detail}` : ''}`;
    out.write(`\r${line}${' '.repeat(Math.max(0, last.length - line.length))}`);
    last = line;
  };
  return {
    update: (done, total, detail) => draw(done, total, detail),
    finish(detail) {
      out.write(`\r${label} done${detail ? ` ${detail}` : ''}${' '.repeat(Math.max(0, last.length))}\n`);
    },
  };
}
