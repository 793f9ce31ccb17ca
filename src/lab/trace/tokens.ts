/**
 * The `key=value` scanner behind every event body: tokens as offsets into
 * the text, lookup by name, and errors naming the file, the line, the event
 * and the field.
 *
 * One instance is reused for every line (scratch state, never handed to a
 * consumer). The line is a `[start, end)` byte range of a chunk and the
 * tokens are offsets in typed arrays, so scanning a body allocates nothing.
 * This is the slow path of {@link FieldReader} (fields.ts): it runs only
 * for lines the fast path did not expect, and makes every error message.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';
import { closingQuote, decode } from './strings.js';

/** `ve` value of a bare token (a word without '=', e.g. `FORCE`). */
export const BARE = -1;

/** A copy of a token array with twice the room. */
function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Tokenised body of one trace line. */
export class FieldTokens {
  /** The bytes holding the line. */
  buf: Buffer = Buffer.alloc(0);
  /** DataView over the same bytes (for 4-byte compares). */
  view: DataView = new DataView(new ArrayBuffer(0));
  /** End of the line (its fields end there). */
  end = 0;
  /** Its 1-based number. */
  lineNo = 0;
  /** File named in errors. */
  file = '';
  /** Event name named in errors. */
  event = '';
  /** Number of tokens. */
  n = 0;
  /** Token i: key (or bare word) is `buf[ks[i], ke[i])`, value `buf[vs[i], ve[i])`; ve = BARE for a bare word. */
  ks = new Int32Array(64);
  ke = new Int32Array(64);
  vs = new Int32Array(64);
  ve = new Int32Array(64);

  /**
   * Tokenise `buf[p, this.end)` into `key=value` pairs and bare words.
   *
   * @param p - Where the fields start.
   * @remarks Context: any; hot path (no allocation).
   */
  scan(p: number): void {
    const b = this.buf;
    const end = this.end;
    this.n = 0;
    while (p < end) {
      while (p < end && b[p] === 32) p++;
      if (p >= end) break;
      const ks = p;
      let c = 0;
      while (p < end && (c = b[p]!) !== 61 && c !== 32) p++;
      if (p >= end || c === 32) {
        this.push(ks, p, p, BARE);
        continue;
      }
      const ke = p++;
      const vs = p;
      if (p < end && b[p] === 34) {
        const q = closingQuote(b, p + 1, end);
        if (q < 0) this.fail('bad_string', `expected a closing '"' for field '${decode(b, ks, ke)}' (truncated line?)`);
        p = q + 1;
      } else {
        while (p < end && b[p] !== 32) p++;
      }
      this.push(ks, ke, vs, p);
    }
  }

  private push(ks: number, ke: number, vs: number, ve: number): void {
    if (this.n === this.ks.length) {
      this.ks = grow(this.ks);
      this.ke = grow(this.ke);
      this.vs = grow(this.vs);
      this.ve = grow(this.ve);
    }
    const i = this.n++;
    this.ks[i] = ks;
    this.ke[i] = ke;
    this.vs[i] = vs;
    this.ve[i] = ve;
  }

  /**
   * Index of the `key=value` token named key (linear: bodies are short).
   *
   * @param key - Field name.
   * @returns The token index, or -1.
   * @remarks Context: any.
   */
  find(key: string): number {
    for (let i = 0; i < this.n; i++) {
      if (this.ve[i] !== BARE && this.is(i, key)) return i;
    }
    return -1;
  }

  /**
   * Whether token i's key (or bare word) is `name`.
   *
   * @param i - Token index.
   * @param name - ASCII name.
   * @returns true on a match.
   * @remarks Context: any.
   */
  is(i: number, name: string): boolean {
    const ks = this.ks[i]!;
    if (this.ke[i]! - ks !== name.length) return false;
    for (let k = 0; k < name.length; k++) if (this.buf[ks + k] !== name.charCodeAt(k)) return false;
    return true;
  }

  /**
   * Index of a required field.
   *
   * @param key - Field name.
   * @returns The token index.
   * @throws InputError `missing_field` when absent.
   * @remarks Context: any.
   */
  need(key: string): number {
    const i = this.find(key);
    if (i < 0) this.fail('missing_field', `expected field '${key}' (truncated line?)`);
    return i;
  }

  /**
   * Text of token i's value (or of the bare word).
   *
   * @param i - Token index.
   * @returns A new string.
   * @remarks Context: any.
   */
  value(i: number): string {
    const ve = this.ve[i]!;
    return ve === BARE ? decode(this.buf, this.ks[i]!, this.ke[i]!) : decode(this.buf, this.vs[i]!, ve);
  }

  /**
   * Throw a `code` error about a field's value.
   *
   * @param key - Field name.
   * @param s - Value start.
   * @param e - Value end.
   * @param code - Error code.
   * @param wanted - What the value should have been.
   * @throws InputError always.
   * @remarks Context: any.
   */
  badValue(key: string, s: number, e: number, code: string, wanted: string): never {
    const got = decode(this.buf, s, Math.min(e, s + 40));
    this.fail(code, `expected ${wanted} for field '${key}', got '${got}${e - s > 40 ? '...' : ''}'`);
  }

  /**
   * Throw an InputError about the current line.
   *
   * @param code - Error code (`missing_field`, `bad_number`, ...).
   * @param what - What was expected, sentence fragment.
   * @throws InputError always, located at file:line.
   * @remarks Context: any.
   */
  fail(code: string, what: string): never {
    throw new InputError(code, `Cannot parse ${this.event} event: ${what}`, { file: this.file, line: this.lineNo });
  }
}
