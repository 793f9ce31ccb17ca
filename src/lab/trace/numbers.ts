/**
 * Allocation-free integer scanners over the bytes of ftrace text: decimal,
 * `0x` hex and the prefix-less `%llx` hex of tracepoints, up to 64 bits,
 * without BigInt.
 *
 * Every scanner works on a `[start, end)` byte range and returns a number
 * with two sentinels instead of throwing, so the hot path never allocates:
 * `NaN` (not an integer) and `Infinity` (>= 2^53 and not the all-ones 64-bit
 * value). The all-ones value (`0xffffffffffffffff`, the kernel's
 * `DMA_MAPPING_ERROR` and `~0`) is returned as -1. The value stays exact
 * while it is below 2^53; past that only "how wide" matters.
 *
 * @module
 */

/** 2^53: the first integer a double cannot hold exactly next to its neighbour. */
const TWO_POW_53 = 2 ** 53;
/** A space, which ends an unquoted value. */
const SPACE = 32;

/** Where the last {@link scanIntTo} / {@link scanHexTo} stopped: the space or line end after the value. */
export const scanStop = { at: 0 };

/**
 * Value of one hex digit byte.
 *
 * @param c - Byte.
 * @returns 0..15, or -1 when c is not a hex digit.
 * @remarks Context: any.
 */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 32;
  return l >= 97 && l <= 102 ? l - 87 : -1;
}

/**
 * Scan hex digits (no prefix) from p up to a space or `end`.
 *
 * @param b - The bytes.
 * @param p - First digit.
 * @param end - End of the range.
 * @returns The value; -1 for the all-ones 64-bit value; Infinity for any
 *   other value >= 2^53 that fits 64 bits; NaN for no digits, a non-hex
 *   byte or more than 64 bits. scanStop.at is where it stopped.
 * @remarks Context: any; hot path (no allocation).
 */
export function scanHexTo(b: Uint8Array, p: number, end: number): number {
  let v = 0;
  let significant = 0;
  let allF = true;
  let i = p;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === SPACE) break;
    const d = hexDigit(c);
    if (d < 0) {
      scanStop.at = i;
      return NaN;
    }
    if (significant === 0 && d === 0) continue;
    significant++;
    if (d !== 15) allF = false;
    v = v * 16 + d;
  }
  scanStop.at = i;
  if (i === p || significant > 16) return NaN;
  if (v >= TWO_POW_53) return significant === 16 && allF ? -1 : Infinity;
  return v;
}

/**
 * Scan a decimal or `0x`-hex integer (ftrace's probe argument formats) from
 * p up to a space or `end`; decimals may have a leading '-'.
 *
 * @param b - The bytes.
 * @param p - First byte.
 * @param end - End of the range.
 * @returns As {@link scanHexTo} for `0x` values; for decimals the value,
 *   ±Infinity when its magnitude is >= 2^53, NaN when malformed.
 *   scanStop.at is where it stopped.
 * @remarks Context: any; hot path (no allocation).
 */
export function scanIntTo(b: Uint8Array, p: number, end: number): number {
  if (p + 2 < end && b[p] === 48 && (b[p + 1]! | 32) === 120) return scanHexTo(b, p + 2, end);
  let i = p;
  const neg = i < end && b[i] === 45;
  if (neg) i++;
  const first = i;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === SPACE) break;
    const d = c - 48;
    if (d < 0 || d > 9) {
      scanStop.at = i;
      return NaN;
    }
    v = v * 10 + d;
  }
  scanStop.at = i;
  if (i === first) return NaN;
  if (v >= TWO_POW_53) return neg ? -Infinity : Infinity;
  return neg ? 0 - v : v;
}

/**
 * Scan exactly `b[start, end)` as {@link scanIntTo} does (no space inside).
 *
 * @param b - The bytes.
 * @param start - First byte.
 * @param end - One past the last byte.
 * @returns As {@link scanIntTo}; NaN when the range holds a space.
 * @remarks Context: any.
 */
export function scanInt(b: Uint8Array, start: number, end: number): number {
  const v = scanIntTo(b, start, end);
  return scanStop.at === end ? v : NaN;
}

/**
 * Scan exactly `b[start, end)` as {@link scanHexTo} does (no space inside).
 *
 * @param b - The bytes.
 * @param start - First digit.
 * @param end - One past the last digit.
 * @returns As {@link scanHexTo}; NaN when the range holds a space.
 * @remarks Context: any.
 */
export function scanHex(b: Uint8Array, start: number, end: number): number {
  const v = scanHexTo(b, start, end);
  return scanStop.at === end ? v : NaN;
}

/**
 * Scan an ftrace timestamp column: a `counter` clock integer or
 * `seconds.fraction` (local/global/mono clocks, `trace-cmd report`).
 *
 * @param b - The bytes.
 * @param start - First byte.
 * @param end - One past the last byte (the ':' excluded).
 * @returns The timestamp (the double nearest to the decimal text), or NaN.
 * @remarks Context: any; hot path (allocates only for 16+ digit values).
 */
export function scanTimestamp(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46 && fraction < 0 && i > start && i < end - 1) fraction = 0;
    else if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else return NaN;
  }
  if (digits === 0) return NaN;
  // n / 10^k with both exact is correctly rounded, like Number() of the text.
  if (digits <= 15) return fraction > 0 ? n / 10 ** fraction : n;
  const v = Number(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1'));
  return Number.isFinite(v) ? v : NaN; // hundreds of digits: not a timestamp
}
