/**
 * Compare what readTrace() did with the reference answer (stream-expect.ts):
 * the same first error in strict mode, every line counted, the same events
 * in the same order, the same malformed lines in lenient mode, and no normal
 * result for a gzip stream that does not decompress.
 *
 * @module
 */
import type { TraceReadStats } from '../../src/lab/trace/index.js';
import { InputError } from '../../src/util/errors.js';
import { OK, violation, type Outcome } from '../outcome.js';
import type { StreamExpectation } from './stream-expect.js';

/** What the streaming reader did: returned stats, or threw (a structured error). */
export type StreamActual =
  | { readonly stats: TraceReadStats; readonly delivered: readonly string[]; readonly lenient: boolean }
  | { readonly error: unknown; readonly delivered: readonly string[]; readonly lenient: boolean };

/** The first index where two lists differ, with both items. */
function firstDifference(a: readonly string[], b: readonly string[]): string | null {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return `#${i}: stream ${a[i] ?? '(none)'}, reference ${b[i] ?? '(none)'}`;
  }
  return null;
}

/**
 * Check a streaming read against the reference.
 *
 * @param x - The reference answer.
 * @param a - What the reader did.
 * @returns OK, the error outcome, or a violation.
 * @remarks Context: any.
 */
export function compareStream(x: StreamExpectation, a: StreamActual): Outcome {
  if (x.parserCrash) return OK; // the line-level target reports the parser's own crash
  if ('error' in a) {
    const e = a.error as InputError;
    if (x.text === null) return { verdict: 'error', code: `InputError:${e.code}` };
    const want = a.lenient ? undefined : x.errors[0];
    if (want !== `${e.code}@${String(e.line)}`) {
      return violation('stream_error_differs', `stream threw ${e.code} at line ${String(e.line)}; reference ${want ?? 'no error'} (${e.message.slice(0, 160)})`);
    }
    return { verdict: 'error', code: `InputError:${e.code}` };
  }
  if (x.text === null) {
    return violation('gzip_partial_result', `gzip stream that does not decompress (${x.gzipError ?? ''}) read as complete: ${a.stats.lines} lines, ${a.stats.events} events`);
  }
  if (!a.lenient && x.errors.length > 0) return violation('stream_missed_error', `reference fails with ${x.errors[0]!}, stream returned normally`);
  const s = a.stats;
  if (s.lines !== x.lines) return violation('stream_line_count', `stream counted ${s.lines} lines, the text has ${x.lines}`);
  if (s.events !== a.delivered.length) return violation('stream_event_count', `stats.events ${s.events}, delivered ${a.delivered.length}`);
  const diff = firstDifference(a.delivered, x.events);
  if (diff !== null) return violation('stream_events_differ', diff);
  if (a.lenient && s.malformed.total !== x.errors.length) {
    return violation('stream_malformed_count', `lenient stream skipped ${s.malformed.total} lines, reference ${x.errors.length} (${x.errors.slice(0, 3).join(', ')})`);
  }
  return OK;
}
