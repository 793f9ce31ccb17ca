/**
 * The reference answer for a whole trace stream: gunzip it in one go
 * (node:zlib, synchronous) and parse it line by line with a fresh
 * LineParser, with no chunk boundaries. The streaming reader must agree:
 * same lines, same events, the same first error at the same line, and a
 * failure for every gzip stream that does not decompress.
 *
 * @module
 */
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../src/util/errors.js';
import { LineParser } from '../../src/lab/trace/parse-line.js';
import { MAX_LINE_LENGTH } from '../../src/lab/trace/index.js';
import { countLines } from '../outcome.js';

/** What reading a stream must give. */
export interface StreamExpectation {
  /** null when the bytes are gzip that does not decompress: reading must fail. */
  readonly text: Buffer | null;
  /** Why gunzip failed. */
  readonly gzipError: string | null;
  readonly lines: number;
  /** Events in order, as `kind@line`. */
  readonly events: readonly string[];
  /** Malformed lines in order, as `code@line`. */
  readonly errors: readonly string[];
  /** The reference parse itself threw something other than an InputError. */
  readonly parserCrash: boolean;
}

/**
 * Decompress if gzip (by magic bytes, as the reader does).
 *
 * @param bytes - The stream's bytes.
 * @returns The text, or the gunzip error.
 * @remarks Context: any.
 */
export function referenceText(bytes: Buffer): { text: Buffer | null; gzipError: string | null } {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return { text: bytes, gzipError: null };
  try {
    return { text: gunzipSync(bytes), gzipError: null };
  } catch (e) {
    return { text: null, gzipError: (e as Error).message };
  }
}

/**
 * Compute what reading the bytes must give.
 *
 * @param bytes - The stream's bytes (plain or gzip).
 * @param file - File name for errors.
 * @returns The expectation.
 * @remarks Context: any; O(size of the text).
 */
export function expectStream(bytes: Buffer, file: string): StreamExpectation {
  const { text, gzipError } = referenceText(bytes);
  const events: string[] = [];
  const errors: string[] = [];
  if (text === null) return { text, gzipError, lines: 0, events, errors, parserCrash: false };
  const parser = new LineParser(file);
  let lineNo = 0;
  let parserCrash = false;
  for (let start = 0; start < text.length; ) {
    let nl = text.indexOf(10, start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text[nl - 1] === 13 ? nl - 1 : nl;
    lineNo++;
    if (end - start > MAX_LINE_LENGTH) errors.push(`line_too_long@${lineNo}`);
    else {
      try {
        const ev = parser.parse(text, start, end, lineNo);
        if (ev !== null) events.push(`${ev.kind}@${ev.line}`);
      } catch (e) {
        if (e instanceof InputError) errors.push(`${e.code}@${lineNo}`);
        else parserCrash = true;
      }
    }
    start = nl + 1;
  }
  return { text, gzipError, lines: countLines(text), events, errors, parserCrash };
}
