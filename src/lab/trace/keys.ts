/**
 * Byte patterns prepared once (field names, bare words, cached task columns
 * and values) and compared four bytes at a time through a DataView, which
 * is several times cheaper than byte by byte in V8.
 *
 * @module
 */

/** A byte string to look for at a position. */
export class BytePattern {
  /** Its bytes. */
  readonly bytes: Uint8Array;
  /** Its length in bytes. */
  readonly length: number;
  /** Its whole 4-byte words, little-endian, as DataView.getInt32 reads them. */
  private readonly words: Int32Array;

  /**
   * @param bytes - The bytes (copied).
   */
  constructor(bytes: Uint8Array) {
    this.bytes = Uint8Array.from(bytes);
    this.length = bytes.length;
    const view = new DataView(this.bytes.buffer);
    this.words = new Int32Array(bytes.length >> 2);
    for (let k = 0; k < this.words.length; k++) this.words[k] = view.getInt32(k * 4, true);
  }

  /**
   * Whether the pattern is at `b[p, p + length)`, within `end`.
   *
   * @param view - DataView over the same bytes as b.
   * @param b - The bytes.
   * @param p - Position.
   * @param end - Limit (end of the line).
   * @returns true on a match.
   * @remarks Context: any; hot path.
   */
  at(view: DataView, b: Uint8Array, p: number, end: number): boolean {
    const n = this.length;
    if (p < 0 || p + n > end) return false;
    const words = this.words;
    let i = 0;
    for (let k = 0; k < words.length; k++, i += 4) if (view.getInt32(p + i, true) !== words[k]) return false;
    const bytes = this.bytes;
    for (; i < n; i++) if (b[p + i] !== bytes[i]) return false;
    return true;
  }
}

/** A field name prepared for the fast path. */
export interface FieldKey {
  /** The name, as printed before '='. */
  readonly name: string;
  /** The bytes of `name=`. */
  readonly eq: BytePattern;
  /**
   * The last text value read for this field (bytes and string): usually the
   * next one too (same device, same pointer), and checking it is cheaper
   * than hashing. Only a hint: it is always compared byte for byte.
   */
  hint: { readonly pattern: BytePattern; readonly str: string } | undefined;
}

/**
 * The pattern of an ASCII word (e.g. `FORCE`, `[TRUNCATED]`).
 *
 * @param word - The word.
 * @returns Its pattern.
 * @remarks Context: any; call once at module load.
 */
export function wordBytes(word: string): BytePattern {
  return new BytePattern(Buffer.from(word, 'latin1'));
}

/**
 * Prepare field names for the getters.
 *
 * @param names - ASCII field names.
 * @returns One {@link FieldKey} per name, by name.
 * @remarks Context: any; call once at module load.
 */
export function fieldKeys<const N extends string>(...names: N[]): { readonly [K in N]: FieldKey } {
  const out = {} as Record<N, FieldKey>;
  for (const name of names) out[name] = { name, eq: wordBytes(`${name}=`), hint: undefined };
  return out;
}
