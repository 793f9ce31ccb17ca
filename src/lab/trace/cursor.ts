/**
 * The fast-path cursor over an event body. Builders ask for fields in the
 * order the kernel prints them, so each lookup first checks for `key=` at
 * the cursor and the value is scanned in one pass. Any surprise (another
 * order, an extra field, a bad value) switches the line to the slow path of
 * {@link FieldTokens}: the whole body is tokenised and fields are looked up
 * by name, which is also where every error message is made.
 *
 * @module
 */
import type { BytePattern, FieldKey } from './keys.js';
import { scanStop } from './numbers.js';
import { looksLikeKey } from './strings.js';
import { BARE, FieldTokens } from './tokens.js';

/** A {@link FieldTokens} with the fast-path cursor over a body read in print order. */
export class FieldCursor extends FieldTokens {
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
  protected at(key: FieldKey): number {
    const p = this.pos;
    if (p >= 0) {
      if (key.eq.at(this.view, this.buf, p, this.end)) return p + key.eq.length;
      this.tokens();
    }
    return -1;
  }

  /** Move the cursor past the value ending at e and the spaces after it. */
  protected next(e: number): void {
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

  /** Whether the quote at q closes a quoted value: the line ends or ` key=` follows. */
  protected closes(q: number): boolean {
    return q + 1 === this.end || (this.buf[q + 1] === 32 && looksLikeKey(this.buf, q + 2, this.end));
  }

  /** Fast-path success: move past the value scanStop ended and return v. */
  protected done(v: number): number {
    this.next(scanStop.at);
    return v;
  }
}
