/**
 * Typed getters over an event body: each turns one field into a number or a
 * shared string, or throws an InputError naming the file, the line, the
 * event and the field. Each has a fast path on the cursor (see cursor.ts)
 * and a slow path by name.
 *
 * @module
 */
import { MASK_ALL } from '../../machine/mask.js';
import { FieldCursor } from './cursor.js';
import type { FieldKey } from './keys.js';
import { scanHex, scanHexTo, scanInt, scanIntTo } from './numbers.js';
import { Interner, hashStep, unescapeQuoted } from './strings.js';

/** A {@link FieldCursor} with typed getters; one instance is reused for every line. */
export class FieldReader extends FieldCursor {
  /** Shared copies of repeated values (names, kernel pointers). */
  readonly strings = new Interner();

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
