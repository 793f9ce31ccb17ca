/**
 * Checks on a replay that ended normally: the counts are whole numbers, the
 * first mismatch points at a real line and quotes it, the whole file was
 * read, a gzip stream that does not decompress never gives a result, and a
 * capture cut in the middle of a call says so (never a partial result that
 * looks complete).
 *
 * @module
 */
import type { ReplayEngine, ReplayEngineOptions } from '../../src/lab/replay/replay-engine.js';
import type { ReplayResult } from '../../src/lab/replay/replay-types.js';
import { countLines, violation, type Outcome } from '../outcome.js';
import { replayText } from './replay-reference.js';

const TRUNCATION = /no return or release at the end of the trace/;

/**
 * Check an engine after every event was fed.
 *
 * @param e - The engine.
 * @param lineCount - Lines of the input.
 * @returns A violation, or null.
 * @remarks Context: any.
 */
export function checkEngine(e: ReplayEngine, lineCount: number): Outcome | null {
  const t = e.tally;
  for (const k of ['events', 'maps', 'unmaps', 'syncs', 'failures', 'matched', 'mismatched', 'peakUsed', 'unmatched'] as const) {
    if (!Number.isSafeInteger(t[k]) || t[k] < 0) return violation('replay_count', `${k} = ${t[k]}`);
  }
  if ((t.mismatched > 0) !== (t.firstMismatch !== null)) return violation('replay_first_mismatch', `mismatched ${t.mismatched}, firstMismatch ${JSON.stringify(t.firstMismatch)}`);
  const line = t.firstMismatch?.line;
  if (line !== undefined && (!Number.isSafeInteger(line) || line < 1 || line > lineCount)) {
    return violation('replay_mismatch_line', `first mismatch at line ${line} of ${lineCount}`);
  }
  const p = e.poolConfig;
  if (p !== null && p.nareas * p.areaNslabs !== p.nslabs) return violation('replay_pool', JSON.stringify(p));
  return null;
}

/**
 * Check the result of replayTraceFile().
 *
 * @param r - The result.
 * @param path - The file replayed.
 * @param text - Its text (gunzipped), or null when gzip that does not decompress.
 * @param gzipError - Why gunzip failed.
 * @param opts - The engine options the replay used.
 * @param lenient - Lenient mode.
 * @returns OK or a violation.
 * @remarks Context: any.
 */
export function checkFileReplay(r: ReplayResult, path: string, text: Buffer | null, gzipError: string | null, opts: ReplayEngineOptions, lenient: boolean): Outcome {
  if (text === null) return violation('gzip_partial_result', `replay of a gzip stream that does not decompress (${gzipError ?? ''}) returned a result: ${r.lines} lines, ${r.matched} matched`);
  if (r.file !== path) return violation('replay_file', `result names ${r.file}`);
  const lines = countLines(text);
  if (r.lines !== lines) return violation('replay_incomplete_read', `result says ${r.lines} lines, the text has ${lines}`);
  try {
    JSON.stringify(r);
  } catch (e) {
    return violation('replay_not_json', (e as Error).message);
  }
  const m = r.firstMismatch;
  if ((r.mismatched > 0) !== (m !== null)) return violation('replay_first_mismatch', `mismatched ${r.mismatched}, firstMismatch ${m === null ? 'null' : 'set'}`);
  if (m !== null) {
    if (!Number.isSafeInteger(m.line) || m.line < 1 || m.line > lines) return violation('replay_mismatch_line', `first mismatch at line ${m.line} of ${lines}`);
    const want = (text.toString('utf8').split('\n')[m.line - 1] ?? '').replace(/\r$/, '');
    if (m.text !== want) return violation('mismatch_text', `line ${m.line}: quoted ${JSON.stringify(m.text.slice(0, 80))}, file has ${JSON.stringify(want.slice(0, 80))}`);
  }
  if (text.length > 1 << 20) return { verdict: 'ok', code: 'ok' };
  const ref = replayText(text, path, opts, lenient);
  if (ref === null) return { verdict: 'ok', code: 'ok' };
  if (ref.matched !== r.matched || ref.mismatched !== r.mismatched) {
    return violation('replay_differs', `file replay matched ${r.matched}/mismatched ${r.mismatched}, event-by-event ${ref.matched}/${ref.mismatched}`);
  }
  if (ref.pending > 0 && !r.warnings.some((w) => TRUNCATION.test(w))) {
    return violation('truncation_not_reported', `${ref.pending} calls pending at the end, no truncation warning among ${r.warnings.length} warnings`);
  }
  return { verdict: 'ok', code: 'ok' };
}
