/**
 * Progress lines on stderr for long runs, only when a terminal watches.
 *
 * @module
 */

/** Where progress goes (process.stderr, or a test double). */
export interface ProgressSink {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** Wall-clock milliseconds between two progress lines. */
const EVERY_MS = 250;

/**
 * The text of one progress line.
 *
 * @param label - What runs (e.g. `fixed`).
 * @param now - Simulated time reached (ns).
 * @param end - Simulated end time (ns).
 * @returns E.g. `fixed: 42% of 600 s simulated`.
 * @remarks Context: any.
 */
export function progressLine(label: string, now: number, end: number): string {
  const pct = end > 0 ? Math.min(100, Math.floor((now / end) * 100)) : 100;
  const secs = end / 1e9;
  const span = secs >= 1 ? `${+secs.toFixed(3)} s` : `${+(end / 1e6).toFixed(3)} ms`;
  return `${label}: ${pct}% of ${span} simulated`;
}

/**
 * A progress reporter for simulations: rewrites one stderr line at most four
 * times a second, and only when stderr is a terminal outside CI.
 *
 * @param sink - Usually process.stderr.
 * @param clock - Wall clock in ms (tests pass their own).
 * @returns `report(label)` gives the callback for one run; `done()` clears the line; both do nothing without a terminal.
 * @remarks Context: process context.
 */
export function simulationProgress(sink: ProgressSink = process.stderr, clock: () => number = Date.now): { report: (label: string) => ((now: number, end: number) => void) | undefined; done: () => void } {
  const on = sink.isTTY === true && process.env.CI === undefined;
  let last = -Infinity;
  let shown = false;
  return {
    report: (label) =>
      on
        ? (now, end) => {
            const t = clock();
            if (t - last < EVERY_MS) return;
            last = t;
            shown = true;
            sink.write(`\r${progressLine(label, now, end)}\x1b[K`);
          }
        : undefined,
    done: () => {
      if (shown) sink.write('\r\x1b[K');
      shown = false;
    },
  };
}
