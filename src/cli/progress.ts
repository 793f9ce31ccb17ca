/**
 * Progress lines on stderr for long runs and big traces, only when a terminal watches.
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

/** Whole percent of `part` in `whole`, at most 100 (100 for an empty whole). */
function percent(part: number, whole: number): number {
  return whole > 0 ? Math.min(100, Math.floor((part / whole) * 100)) : 100;
}

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
  const pct = percent(now, end);
  const secs = end / 1e9;
  const span = secs >= 1 ? `${+secs.toFixed(3)} s` : `${+(end / 1e6).toFixed(3)} ms`;
  return `${label}: ${pct}% of ${span} simulated`;
}

/**
 * The text of one progress line for a file being read.
 *
 * @param label - What is read (a file name).
 * @param bytes - Bytes read so far.
 * @param total - File size in bytes.
 * @returns E.g. `trace.txt.gz: 42% of 1.5 GB read`.
 * @remarks Context: any.
 */
export function readProgressLine(label: string, bytes: number, total: number): string {
  const pct = percent(bytes, total);
  const size = total >= 1e9 ? `${+(total / 1e9).toFixed(1)} GB` : `${+(total / 1e6).toFixed(1)} MB`;
  return `${label}: ${pct}% of ${size} read`;
}

/**
 * A progress reporter for simulations: rewrites one stderr line at most four
 * times a second, and only when stderr is a terminal outside CI.
 *
 * @param sink - Usually process.stderr.
 * @param clock - Wall clock in ms (tests pass their own).
 * @returns `report(label)` gives the callback for one run, `reading(label, total)` one for a file being read; `done()` clears the line; all do nothing without a terminal.
 * @remarks Context: process context.
 */
export function simulationProgress(
  sink: ProgressSink = process.stderr,
  clock: () => number = Date.now,
): { report: (label: string) => ((now: number, end: number) => void) | undefined; reading: (label: string, total: number) => ((bytes: number) => void) | undefined; done: () => void } {
  const on = sink.isTTY === true && process.env.CI === undefined;
  let last = -Infinity;
  let shown = false;
  const show = (line: string): void => {
    const t = clock();
    if (t - last < EVERY_MS) return;
    last = t;
    shown = true;
    sink.write(`\r${line}\x1b[K`);
  };
  return {
    report: (label) => (on ? (now, end) => show(progressLine(label, now, end)) : undefined),
    reading: (label, total) => (on ? (bytes) => show(readProgressLine(label, bytes, total)) : undefined),
    done: () => {
      if (shown) sink.write('\r\x1b[K');
      shown = false;
    },
  };
}
