/**
 * The C string primitives the `swiotlb=` parser relies on, over UTF-8 bytes:
 * isdigit(), strcmp() against a keyword, and simple_strtoul(…, base 0) with
 * base auto-detection, greedy digits and silent 64-bit wrap-around
 * (lib/vsprintf.c simple_strntoull() with the lib/kstrtox.c radix fix-up).
 *
 * The kernel sees the command line as bytes; a JS string is encoded as UTF-8
 * and cut at its first NUL, so non-ASCII text can never look like a digit or a
 * keyword, exactly as in C.
 *
 * @module
 */

/** How simple_strtoul() chose the base. */
export type StrtoulBase = 8 | 10 | 16;

/** One simple_strtoul() call. */
export interface StrtoulResult {
  /** The `unsigned long long` result, wrapped mod 2^64. */
  value: bigint;
  /** Byte index just past what was consumed (the new `*endp`). */
  end: number;
  /** Base used after auto-detection. */
  base: StrtoulBase;
  /** Number of digits converted (the `0x` prefix not included). */
  digits: number;
  /** true if the exact value did not fit in 64 bits (the kernel does not notice). */
  overflowed: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const U64_LIMIT = 1n << 64n;

/**
 * Encode text as the kernel would see it: UTF-8 bytes up to (not including) the first NUL.
 *
 * @param text - Any JS string.
 * @returns The C string's bytes.
 * @remarks Context: any.
 */
export function cStringBytes(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/**
 * Decode a byte range back to text (invalid sequences become U+FFFD).
 *
 * @param bytes - C string bytes.
 * @param start - First byte index.
 * @param end - One past the last byte index; default the end.
 * @returns The decoded text.
 * @remarks Context: any.
 */
export function bytesToText(bytes: Uint8Array, start: number, end: number = bytes.length): string {
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * The kernel's isdigit() on the byte at an index (0 past the end, like the NUL terminator).
 *
 * @param bytes - C string bytes.
 * @param at - Byte index.
 * @returns true for ASCII '0'..'9'.
 * @remarks Context: any.
 */
export function isDigitAt(bytes: Uint8Array, at: number): boolean {
  const c = bytes[at] ?? 0;
  return c >= 0x30 && c <= 0x39;
}

/**
 * Value of a byte as a digit in base 16 ('0'-'9', 'a'-'f' after `c | 0x20`), or 99.
 *
 * @param c - Byte value (0 for the terminator).
 * @returns 0..15, or 99 for anything else.
 * @remarks Context: any.
 */
function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lc = c | 0x20;
  if (c < 0x80 && lc >= 0x61 && lc <= 0x66) return lc - 0x61 + 10;
  return 99;
}

/**
 * simple_strtoul(cp, &endp, 0): detect the base (`0x`/`0X` followed by a hex
 * digit → 16, a leading `0` → 8, else 10), skip the `0x`, then convert digits of
 * that base greedily, wrapping mod 2^64 on overflow.
 *
 * @param bytes - C string bytes.
 * @param start - Index of the first character (the caller has checked isdigit()).
 * @returns Value, end index, base, digit count and whether it overflowed.
 * @remarks Context: any.
 */
export function simpleStrtoul(bytes: Uint8Array, start: number): StrtoulResult {
  let base: StrtoulBase = 10;
  let at = start;
  if (bytes[at] === 0x30) {
    const next = (bytes[at + 1] ?? 0) | 0x20;
    if (next === 0x78 && digitValue(bytes[at + 2] ?? 0) < 16) {
      base = 16;
      at += 2;
    } else {
      base = 8;
    }
  }
  const b = BigInt(base);
  let value = 0n;
  let digits = 0;
  let overflowed = false;
  for (;;) {
    const d = digitValue(bytes[at] ?? 0);
    if (d >= base) break;
    const exact = value * b + BigInt(d);
    if (exact >= U64_LIMIT) overflowed = true;
    value = BigInt.asUintN(64, exact);
    digits++;
    at++;
  }
  return { value, end: at, base, digits, overflowed };
}

/**
 * strcmp(str + at, keyword) == 0 for an ASCII keyword.
 *
 * @param bytes - C string bytes.
 * @param at - Index where the compared string starts.
 * @param keyword - ASCII keyword such as `force`.
 * @returns true if the rest of the string is exactly the keyword.
 * @remarks Context: any.
 */
export function restEquals(bytes: Uint8Array, at: number, keyword: string): boolean {
  if (bytes.length - at !== keyword.length) return false;
  for (let i = 0; i < keyword.length; i++) {
    if (bytes[at + i] !== keyword.charCodeAt(i)) return false;
  }
  return true;
}
