/**
 * Text helpers for the trace reader. Lines are parsed in place as
 * `[start, end)` byte ranges of a chunk; only the values an event keeps are
 * decoded into strings (fresh strings: they never pin the chunk). The few
 * distinct task names, device names and kernel pointers a trace repeats
 * millions of times are shared through a bounded intern table.
 *
 * @module
 */
import { BytePattern } from './keys.js';

/** Largest number of distinct strings an {@link Interner} remembers. */
export const INTERN_LIMIT = 4096;

/**
 * Decode `b[start, end)` as UTF-8 (invalid sequences become U+FFFD).
 *
 * @param b - The bytes.
 * @param start - First byte.
 * @param end - One past the last byte.
 * @returns A new string.
 * @remarks Context: any; allocates.
 */
export function decode(b: Buffer, start: number, end: number): string {
  return b.toString('utf8', start, end);
}

/**
 * Remove the backslash escaping of quotes inside a quoted trace value.
 *
 * ftrace prints `"%s"` without escaping; other tools (trace-cmd, post
 * processors) may print `\"`. Only `\"` and `\\` are undone.
 *
 * @param s - The text between the quotes.
 * @returns The text with `\"` turned into `"` and `\\` into `\`.
 * @remarks Context: any.
 */
export function unescapeQuoted(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(["\\])/g, '$1');
}

/**
 * Whether `b[p, end)` starts with `key=` (letters, digits, '_').
 *
 * @param b - The bytes.
 * @param p - Position to look at.
 * @param end - End of the line.
 * @returns true when a key and '=' follow.
 * @remarks Context: any.
 */
export function looksLikeKey(b: Uint8Array, p: number, end: number): boolean {
  const start = p;
  for (; p < end; p++) {
    const c = b[p]!;
    if (c === 61) return p > start;
    const l = c | 32;
    if (!((c >= 48 && c <= 57) || (l >= 97 && l <= 122) || c === 95)) return false;
  }
  return false;
}

/**
 * Find the closing quote of a quoted value that starts at `p`.
 *
 * The text is untrusted, so a quote closes the value only when it is not
 * backslash-escaped and is followed by the end of the line or by ` key=`.
 *
 * @param b - The bytes.
 * @param p - Position just after the opening quote.
 * @param end - End of the line.
 * @returns Index of the closing quote, or -1 when the value is unterminated.
 * @remarks Context: any; hot path.
 */
export function closingQuote(b: Uint8Array, p: number, end: number): number {
  for (let q = p; q < end; q++) {
    if (b[q] !== 34 || (q > p && b[q - 1] === 92)) continue;
    if (q + 1 === end || (b[q + 1] === 32 && looksLikeKey(b, q + 2, end))) return q;
  }
  return -1;
}

/** A value seen recently: its bytes and its shared string. */
export interface InternedValue {
  readonly pattern: BytePattern;
  readonly str: string;
}

/**
 * One step of the byte hash {@link Interner.lookup} expects.
 *
 * @param h - Hash so far (start with 0).
 * @param c - Next byte.
 * @returns The new hash.
 * @remarks Context: any; hot path (callers inline it in their scan loops).
 */
export function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

/**
 * Cache set of a hash: the bits mixed so that similar strings spread.
 *
 * @param h - A 32-bit hash.
 * @param len - Length of the hashed bytes.
 * @returns 0..255.
 * @remarks Context: any; hot path.
 */
export function setIndex(h: number, len: number): number {
  let x = Math.imul(h ^ (h >>> 15) ^ len, 0x2c1b3c6d);
  x ^= x >>> 12;
  x = Math.imul(x, 0x297a2d39);
  return (x ^ (x >>> 15)) & 255;
}

/**
 * A bounded table that returns one shared string per distinct byte string.
 *
 * A small two-way cache answers the usual case (the same device or pointer
 * as a few lines ago) by comparing bytes, without decoding. Past
 * {@link INTERN_LIMIT} entries the table stops remembering, so hostile input
 * cannot grow it.
 */
export class Interner {
  private readonly map = new Map<string, string>();
  /** Two-way set-associative cache: way0 holds the newest entry of a set, way1 the one before. */
  private readonly way0: (InternedValue | undefined)[] = new Array<InternedValue | undefined>(256).fill(undefined);
  private readonly way1: (InternedValue | undefined)[] = new Array<InternedValue | undefined>(256).fill(undefined);

  /**
   * Get the shared string of `b[start, end)`.
   *
   * @param view - DataView over b's bytes.
   * @param b - The bytes.
   * @param start - First byte.
   * @param end - One past the last byte.
   * @returns The decoded, shared string.
   * @remarks Context: any; hot path (no allocation on a cache hit).
   */
  range(view: DataView, b: Buffer, start: number, end: number): string {
    let h = 0;
    for (let i = start; i < end; i++) h = hashStep(h, b[i]!);
    return this.lookup(view, b, start, end, h).str;
  }

  /**
   * Get the shared string of `b[start, end)` whose hash the caller computed.
   *
   * @param view - DataView over b's bytes.
   * @param b - The bytes.
   * @param start - First byte.
   * @param end - One past the last byte.
   * @param h - {@link hashStep} folded over the bytes, from 0.
   * @returns The bytes and the decoded, shared string.
   * @remarks Context: any; hot path (no allocation on a cache hit).
   */
  lookup(view: DataView, b: Buffer, start: number, end: number, h: number): InternedValue {
    const len = end - start;
    const slot = setIndex(h, len);
    const w0 = this.way0[slot];
    if (w0 !== undefined && w0.pattern.length === len && w0.pattern.at(view, b, start, end)) return w0;
    const w1 = this.way1[slot];
    if (w1 !== undefined && w1.pattern.length === len && w1.pattern.at(view, b, start, end)) return w1;
    const value = { pattern: new BytePattern(b.subarray(start, end)), str: this.get(decode(b, start, end)) };
    this.way1[slot] = w0;
    this.way0[slot] = value;
    return value;
  }

  /**
   * Get the shared copy of a string.
   *
   * @param s - The string.
   * @returns An equal string; the same object for equal inputs while the table has room.
   * @remarks Context: any.
   */
  get(s: string): string {
    const hit = this.map.get(s);
    if (hit !== undefined) return hit;
    if (this.map.size < INTERN_LIMIT) this.map.set(s, s);
    return s;
  }
}
