/**
 * Typed getters over an event body: each turns one field into a number or a
 * shared string, or throws an InputError naming the file, the line, the
 * event and the field.
 *
 * Fast path: builders ask for fields in the order the kernel prints them,
 * so each getter first checks for `key=` at a cursor and scans the value in
 * one pass, touching each character once. Any surprise (another order, an
 * extra field, a bad value) switches the line to the slow path: the whole
 * body is tokenised and fields are looked up by name, which is also where
 * every error message is made.
 *
 * @module
 */
import { MASK_ALL } from '../../machine/mask.js';
import { scanHex, scanHexTo, scanInt, scanIntTo, scanStop } from './numbers.js';
import type { BytePattern, FieldKey } from './keys.js';
import { Interner, hashStep, looksLikeKey, unescapeQuoted } from './strings.js';
import { BARE, FieldTokens } from './tokens.js';

/** A {@link FieldTokens} with a fast cursor and typed getters; reused for every line. */
export class FieldReader extends FieldTokens {
  /** Shared copies of repeated values (names, kernel pointers). */
  readonly strings = new Interner();
  /** Fast path: where the next field starts; -1 once the body is tokenised. */
  pos = -1;
  /** End of the value last returned by {@link FieldReader.range}. */
  valueEnd = 0;
  private fieldsStart = 0;

  /**
   * Start reading the fields of the current line at p (fast path).
   *
   * @param p - First field.
   * @remarks Context: any; hot path.
   */
  begin(p: number): void {
    this.pos = p;
    this.fieldsStart = p;
    this.n = 0;
  }

  /**
   * Switch the line to the slow path (idempotent): tokenise the whole body.
   *
   * @remarks Context: any.
   */
  tokens(): void {
    if (this.pos < 0) return;
    this.pos = -1;
    this.scan(this.fieldsStart);
  }

  /** Value start of `key=` at the cursor, or -1 after switching to the slow path. */
  private at(key: FieldKey): number {
    const p = this.pos;
    if (p >= 0) {
      if (key.eq.at(this.view, this.buf, p, this.end)) return p + key.eq.length;
      this.tokens();
    }
    return -1;
  }

  /** Move the cursor past the value ending at e and the spaces after it. */
  private next(e: number): void {
    const { buf, end } = this;
    while (e < end && buf[e] === 32) e++;
    this.pos = e;
  }

  /**
   * Whether an optional field is present. Fields are read in print order, so
   * on the fast path an optional field is looked for at the cursor only.
   *
   * @param key - Field key.
   * @returns true when a getter for key will find it.
   * @remarks Context: any.
   */
  has(key: FieldKey): boolean {
    return this.pos >= 0 ? key.eq.at(this.view, this.buf, this.pos, this.end) : this.find(key.name) >= 0;
  }

  /**
   * Skip an optional bare word (e.g. `[TRUNCATED]`).
   *
   * @param word - Its pattern (see wordBytes()).
   * @returns Whether it was there.
   * @remarks Context: any.
   */
  skipWord(word: BytePattern): boolean {
    const p = this.pos;
    if (p >= 0) {
      const e = p + word.length;
      if (!word.at(this.view, this.buf, p, this.end) || (e < this.end && this.buf[e] !== 32)) return false;
      this.next(e);
      return true;
    }
    for (let i = 0; i < this.n; i++) {
      if (this.ve[i] === BARE && this.ke[i]! - this.ks[i]! === word.length && word.at(this.view, this.buf, this.ks[i]!, this.end)) return true;
    }
    return false;
  }

  /**
   * The value range of a required field: returns its start, its end goes to valueEnd.
   *
   * @param key - Field key.
   * @returns Value start.
   * @throws InputError `missing_field`.
   * @remarks Context: any; hot path.
   */
  range(key: FieldKey): number {
    const vs = this.at(key);
    if (vs >= 0) {
      const { buf, end } = this;
      let e = vs;
      while (e < end && buf[e] !== 32) e++;
      this.valueEnd = e;
      this.next(e);
      return vs;
    }
    const i = this.need(key.name);
    this.valueEnd = this.ve[i]!;
    return this.vs[i]!;
  }

  /**
   * A decimal or `0x`-hex integer field below 2^53 (counts, sizes, slots, dir).
   *
   * @param key - Field key.
   * @returns The value (-1 for an all-ones hex value).
   * @throws InputError `missing_field` or `bad_number`.
   * @remarks Context: any; hot path.
   */
  int(key: FieldKey): number {
    const vs = this.at(key);
    if (vs >= 0) {
      // Inline the common case: a short unsigned decimal.
      const { buf: b, end } = this;
      let v = 0;
      let i = vs;
      let c = 0;
      while (i < end && (c = b[i]!) >= 48 && c <= 57 && i - vs < 15) {
        v = v * 10 + (c - 48);
        i++;
      }
      if (i > vs && (i === end || c === 32)) {
        while (i < end && b[i] === 32) i++;
        this.pos = i;
        return v;
      }
      v = scanIntTo(b, vs, end);
      if (Number.isFinite(v)) return this.done(v);
      this.tokens();
    }
    const i = this.need(key.name);
    const v = scanInt(this.buf, this.vs[i]!, this.ve[i]!);
    if (!Number.isFinite(v)) this.badValue(key.name, this.vs[i]!, this.ve[i]!, 'bad_number', 'a decimal or 0x-hex integer below 2^53');
    return v;
  }

  /**
   * An address field: `0x`-hex (or prefix-less hex when `bare`), all-ones as -1.
   *
   * @param key - Field key.
   * @param bare - true for tracepoint `%llx` (no `0x`).
   * @returns The address (< 2^53) or -1.
   * @throws InputError `missing_field`, `bad_number` or `address_too_large`.
   * @remarks Context: any; hot path.
   */
  addr(key: FieldKey, bare = false): number {
    const vs = this.at(key);
    if (vs >= 0) {
      const v = bare ? scanHexTo(this.buf, vs, this.end) : scanIntTo(this.buf, vs, this.end);
      if (v >= -1 && v !== Infinity) return this.done(v);
      this.tokens();
    }
    const i = this.need(key.name);
    const s = this.vs[i]!;
    const e = this.ve[i]!;
    const v = bare ? scanHex(this.buf, s, e) : scanInt(this.buf, s, e);
    if (Number.isNaN(v)) this.badValue(key.name, s, e, 'bad_number', bare ? 'a hex address' : 'a 0x-hex address');
    if (v === Infinity || v < -1) this.badValue(key.name, s, e, 'address_too_large', 'an address below 2^53 or the all-ones value');
    return v;
  }

  /**
   * A mask field; values >= 2^53 (all-ones included) clamp to MASK_ALL.
   *
   * @param key - Field key.
   * @param bare - true for tracepoint `%llx` (no `0x`).
   * @returns The mask, 0..MASK_ALL.
   * @throws InputError `missing_field` or `bad_number`.
   * @remarks Context: any; hot path.
   */
  mask(key: FieldKey, bare = false): number {
    const vs = this.at(key);
    let v = NaN;
    if (vs >= 0) v = bare ? scanHexTo(this.buf, vs, this.end) : scanIntTo(this.buf, vs, this.end);
    if (v >= -1) this.done(0);
    else {
      this.tokens();
      const i = this.need(key.name);
      v = bare ? scanHex(this.buf, this.vs[i]!, this.ve[i]!) : scanInt(this.buf, this.vs[i]!, this.ve[i]!);
      if (!(v >= -1)) this.badValue(key.name, this.vs[i]!, this.ve[i]!, 'bad_number', bare ? 'a hex mask' : 'a 0x-hex mask');
    }
    return v === -1 || v > MASK_ALL ? MASK_ALL : v;
  }

  /** Whether the quote at q closes a quoted value: the line ends or ` key=` follows. */
  private closes(q: number): boolean {
    return q + 1 === this.end || (this.buf[q + 1] === 32 && looksLikeKey(this.buf, q + 2, this.end));
  }

  /** Fast-path success: move past the value scanStop ended and return v. */
  private done(v: number): number {
    this.next(scanStop.at);
    return v;
  }

  /**
   * A quoted string field (`name="..."`); a probe's `(fault)` gives null.
   *
   * @param key - Field key.
   * @returns The shared, unescaped text, or null when the kernel could not read it.
   * @throws InputError `missing_field` or `bad_string`.
   * @remarks Context: any; hot path (interned).
   */
  str(key: FieldKey): string | null {
    const { buf: b, end } = this;
    const vs = this.at(key);
    if (vs >= 0 && b[vs] === 34) {
      const hint = key.hint;
      const q = hint === undefined ? -1 : vs + 1 + hint.pattern.length;
      if (hint !== undefined && q < end && b[q] === 34 && this.closes(q) && hint.pattern.at(this.view, b, vs + 1, q)) {
        this.next(q + 1);
        return hint.str;
      }
      // One pass: find the closing quote (see closingQuote()) while hashing.
      let h = 0;
      let escaped = false;
      for (let q = vs + 1; q < end; q++) {
        const c = b[q]!;
        if (c === 34 && b[q - 1] !== 92 && this.closes(q)) {
          this.next(q + 1);
          const value = this.strings.lookup(this.view, b, vs + 1, q, h);
          if (!escaped) return (key.hint = value).str;
          return this.strings.get(unescapeQuoted(value.str));
        }
        if (c === 92) escaped = true;
        h = hashStep(h, c);
      }
      this.tokens(); // the tokeniser reports the unterminated string
    }
    const s = this.range(key);
    const e = this.valueEnd;
    if (e - s >= 2 && b[s] === 34) return this.strings.get(unescapeQuoted(this.strings.range(this.view, b, s + 1, e - 1)));
    return e - s === 7 && b.toString('latin1', s, e) === '(fault)' ? null : this.strings.range(this.view, b, s, e);
  }

  /**
   * A field kept as text (kernel pointers, gfp flags), interned.
   *
   * @param key - Field key.
   * @returns The shared text.
   * @throws InputError `missing_field` or `bad_field` when empty.
   * @remarks Context: any; hot path (interned).
   */
  word(key: FieldKey): string {
    const vs = this.at(key);
    const { buf: b, end } = this;
    if (vs >= 0) {
      const hint = key.hint;
      const he = hint === undefined ? -1 : vs + hint.pattern.length;
      if (hint !== undefined && he <= end && (he === end || b[he] === 32) && hint.pattern.at(this.view, b, vs, he)) {
        this.next(he);
        return hint.str;
      }
      let h = 0;
      let e = vs;
      for (let c = 0; e < end && (c = b[e]!) !== 32; e++) h = hashStep(h, c);
      if (e > vs) {
        this.next(e);
        return (key.hint = this.strings.lookup(this.view, b, vs, e, h)).str;
      }
      this.tokens();
    }
    const s = this.range(key);
    if (this.valueEnd === s) this.badValue(key.name, s, s, 'bad_field', 'a non-empty value');
    return this.strings.range(this.view, b, s, this.valueEnd);
  }
}
