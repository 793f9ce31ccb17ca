/**
 * The reference replay of a whole text: one LineParser over the text in
 * memory, every event handed to a fresh ReplayEngine, no streams and no
 * chunks. replayTraceFile() must reach the same counts, and must warn when
 * calls are left pending at the end.
 *
 * @module
 */
import { ReplayEngine, type ReplayEngineOptions } from '../../src/lab/replay/replay-engine.js';
import { LineParser } from '../../src/lab/trace/parse-line.js';
import { MAX_LINE_LENGTH } from '../../src/lab/trace/index.js';
import { InputError } from '../../src/util/errors.js';
import { ENTRY_LOOKAHEAD } from '../../src/lab/replay/replay-file.js';

/** What the reference replay counted. */
export interface ReferenceReplay {
  readonly matched: number;
  readonly mismatched: number;
  /** Calls with no return or release at the end. */
  readonly pending: number;
}

/**
 * Replay a text event by event.
 *
 * @param text - The trace text (already gunzipped).
 * @param file - File name for errors.
 * @param opts - The engine options the file replay used.
 * @param lenient - Skip malformed lines (else give up on the first).
 * @returns The counts, or null when the reference itself stopped on an error.
 * @remarks Context: any; synchronous.
 */
export function replayText(text: Buffer, file: string, opts: ReplayEngineOptions, lenient: boolean): ReferenceReplay | null {
  // The same events held back as replayTraceFile() holds (entry captures decide with them).
  const engine = new ReplayEngine(file, { lookahead: ENTRY_LOOKAHEAD, ...opts });
  const parser = new LineParser(file);
  let lineNo = 0;
  for (let start = 0; start < text.length; ) {
    let nl = text.indexOf(10, start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text[nl - 1] === 13 ? nl - 1 : nl;
    lineNo++;
    const at = start;
    start = nl + 1;
    if (end - at > MAX_LINE_LENGTH) {
      if (lenient) continue;
      return null;
    }
    let ev;
    try {
      ev = parser.parse(text, at, end, lineNo);
    } catch (e) {
      if (lenient && e instanceof InputError) continue;
      return null;
    }
    try {
      if (ev !== null) engine.onEvent(ev);
    } catch {
      return null;
    }
  }
  try {
    // The end of the trace: held-back events, and pool-line areas still waiting for a release, are settled.
    engine.flush();
  } catch {
    return null;
  }
  return { matched: engine.tally.matched, mismatched: engine.tally.mismatched, pending: engine.pendingCalls() };
}
