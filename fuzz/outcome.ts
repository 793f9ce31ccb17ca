/**
 * What one fuzz case ended in, and the contract every target checks: a
 * normal result, or a structured error (InputError with a code, and a file
 * and a valid line when the input came from a file; ContractError with a
 * code), never any other exception.
 *
 * @module
 */
import { ContractError, InputError } from '../src/util/errors.js';

/** How a case ended. */
export type Verdict = 'ok' | 'error' | 'crash' | 'hang' | 'skipped';

/** The result of one case. */
export interface Outcome {
  readonly verdict: Verdict;
  /** `ok`, `InputError:<code>`, `ContractError:<code>`, `exit:<n>`, or for a crash its signature. */
  readonly code: string;
  /** For a crash: what broke the contract (message and stack). */
  readonly detail?: string;
  /** What made the input expensive, if known (names the hang when the case is slow). */
  readonly note?: string;
}

/** Where an input came from, to check the error's location. */
export interface InputOrigin {
  /** File name the code under test was given; undefined for in-memory input. */
  readonly file?: string;
  /** Lines of that file (LF count, plus one for a last line without LF). */
  readonly lineCount?: number;
  /** For a single line: the line number the parser was given. */
  readonly lineNo?: number;
}

/** InputError codes about the whole input (not one line of it), so they need no line. */
const WHOLE_INPUT = /gzip|compress|unreadable|no_file|not_a_file|no_trace|io_error|read_error/;
/** InputError codes about an option the caller passed, not about the file: no file or line expected. */
const OPTION_CODES = /^(unknown_kernel|bad_option)$/;

/** A normal result. */
export const OK: Outcome = { verdict: 'ok', code: 'ok' };

/**
 * A contract violation found by a check (not by an exception).
 *
 * @param rule - Short stable name of the broken rule (part of the signature).
 * @param detail - What was seen, with the numbers.
 * @returns A crash outcome.
 * @remarks Context: any.
 */
export function violation(rule: string, detail: string): Outcome {
  return { verdict: 'crash', code: `violation:${rule}`, detail };
}

/**
 * Stable text of a message: numbers, quoted text and paths folded so one bug gives one signature.
 *
 * @param message - An error message.
 * @returns The folded text (at most 120 characters).
 * @remarks Context: any.
 */
export function normalise(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\/[^\s:]*\//g, '/…/')
    .replace(/0x[0-9a-f]+/gi, 'N')
    .replace(/-?(\d+(\.\d+)?(e[+-]?\d+)?|NaN|Infinity)/g, 'N')
    .slice(0, 120);
}

/** The first stack frame in src/ as `file:function`, without line numbers (others edit src/). */
function srcFrame(stack: string | undefined): string {
  for (const l of (stack ?? '').split('\n').slice(1)) {
    const m = /at (?:(?:async )?([^\s(]+) \()?.*?\/(src\/[^:)]+)/.exec(l);
    if (m !== null) return `${m[2]}:${m[1] ?? '<anon>'}`;
  }
  return 'outside-src';
}

/**
 * Classify what a call under test threw.
 *
 * @param e - The thrown value.
 * @param origin - Where the input came from (file and line count, or the line number given).
 * @returns An `error` outcome for a well-formed structured error, else a `crash`.
 * @remarks Context: any.
 */
export function classifyError(e: unknown, origin: InputOrigin = {}): Outcome {
  if (e instanceof InputError) {
    const where = checkLocation(e, origin);
    if (where !== null) {
      return violation(`input_error_${where}: ${e.code}: ${normalise(e.message)}`, `${e.message} (file=${String(e.file)}, line=${String(e.line)}, lines=${String(origin.lineCount)})`);
    }
    return { verdict: 'error', code: `InputError:${e.code}` };
  }
  if (e instanceof ContractError) return { verdict: 'error', code: `ContractError:${e.code}` };
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code;
  const name = `${err.constructor.name}${typeof code === 'string' ? `(${code})` : ''}`;
  // zlib says what is wrong with the stream in many words; one signature per zlib code.
  if (typeof code === 'string' && code.startsWith('Z_')) return { verdict: 'crash', code: `${name}: zlib error escaped`, detail: `${err.stack ?? err.message}` };
  return {
    verdict: 'crash',
    code: `${name}@${srcFrame(err.stack)}: ${normalise(err.message)}`,
    detail: `${err.stack ?? err.message}`,
  };
}

/** null when the error's file/line fit the origin, else the broken rule. */
function checkLocation(e: InputError, o: InputOrigin): string | null {
  if (OPTION_CODES.test(e.code)) return null;
  if (o.file !== undefined) {
    if (e.file === undefined) return 'without_file';
    if (e.file !== o.file) return 'wrong_file';
  }
  if (o.lineNo !== undefined) return e.line === o.lineNo ? null : 'wrong_line';
  if (o.file === undefined) return null;
  if (e.line === undefined) return WHOLE_INPUT.test(e.code) ? null : 'without_line';
  if (!Number.isSafeInteger(e.line) || e.line < 1) return 'bad_line_number';
  if (o.lineCount !== undefined && e.line > Math.max(1, o.lineCount)) return 'line_past_end';
  return null;
}

/**
 * Lines of a text as the trace reader counts them: one per LF, plus a last line without LF.
 *
 * @param text - The bytes of the text.
 * @returns The line count.
 * @remarks Context: any.
 */
export function countLines(text: Uint8Array): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return text.length > 0 && text[text.length - 1] !== 10 ? n + 1 : n;
}
