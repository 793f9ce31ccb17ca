/**
 * C integer arithmetic used by swiotlb sizing: `unsigned long` (64-bit)
 * alignment and power-of-two helpers, `unsigned int` truncation, and the
 * `(nslabs << IO_TLB_SHIFT) >> 20` megabyte figure the kernel prints.
 *
 * Slab counts are plain numbers. Every operation converts the (integer) number
 * to BigInt, computes modulo 2^64 like the kernel, and converts back with
 * u64ToNumber(). Counts below 2^53 are exact, and so is every multiple of 128
 * below 2^60. Above that a count is held as the nearest double that is still a
 * valid `unsigned long`, and later decisions (is it a power of two? is it above
 * 2^63?) are taken on that double, so they can differ from the kernel's for
 * counts within about 2^-52 of a power of two (e.g. 2^63 + 128 is held as 2^63).
 * Such counts mean more than 2^64 bytes of pool and never occur on a machine.
 *
 * @module
 */
import { IO_TLB_SHIFT } from './constants.js';

/** 2^63, the largest power of two an `unsigned long` can hold. */
export const TWO_POW_63 = 2 ** 63;

/** Largest double below 2^64, the top of the `unsigned long` range as a number. */
const U64_MAX_NUMBER = 2 ** 64 - 2048;

/**
 * Convert an `unsigned long` to a number: exact below 2^53, else the nearest
 * double, clamped so that it never reaches 2^64.
 *
 * @param value - Integer in [0, 2^64).
 * @returns The number.
 * @remarks Context: any.
 */
export function u64ToNumber(value: bigint): number {
  const n = Number(value);
  return n >= 2 ** 64 ? U64_MAX_NUMBER : n;
}

/**
 * Wrap a non-negative integer to `unsigned long` (mod 2^64).
 *
 * @param value - Integer, any size.
 * @returns value mod 2^64.
 * @remarks Context: any.
 */
export function toU64(value: bigint): bigint {
  return BigInt.asUintN(64, value);
}

/**
 * Truncate an integer to `unsigned int` (mod 2^32), as C does when an
 * `unsigned long` is passed to an `unsigned int` parameter.
 *
 * @param value - Non-negative integer (number or BigInt).
 * @returns value mod 2^32 as a number.
 * @remarks Context: any.
 */
export function toU32(value: number | bigint): number {
  return Number(BigInt.asUintN(32, typeof value === 'bigint' ? value : BigInt(value)));
}

/**
 * Interpret an `unsigned int` as `int`, the way `%d` prints it.
 *
 * @param value - Integer in [0, 2^32).
 * @returns The signed 32-bit value.
 * @remarks Context: any.
 */
export function asInt32(value: number): number {
  return value >= 2 ** 31 ? value - 2 ** 32 : value;
}

/**
 * The kernel's ALIGN(value, step) on `unsigned long`: may wrap to a small value.
 *
 * @param value - Non-negative integer (number or BigInt).
 * @param step - Power of two.
 * @returns ((value + step - 1) mod 2^64) rounded down to a multiple of step, as a number.
 * @remarks Context: any.
 */
export function alignU64(value: number | bigint, step: number): number {
  const v = typeof value === 'bigint' ? value : BigInt(value);
  const s = BigInt(step);
  return u64ToNumber(toU64(v + s - 1n) & ~(s - 1n));
}

/**
 * The kernel's is_power_of_2(): non-zero with a single bit set.
 *
 * @param value - Non-negative integer.
 * @returns true for 1, 2, 4, ...; false for 0.
 * @remarks Context: any.
 */
export function isPowerOfTwo(value: number): boolean {
  const v = BigInt(value);
  return v !== 0n && (v & (v - 1n)) === 0n;
}

/**
 * Whether roundup_pow_of_two() on this `unsigned long` is C undefined behaviour
 * (`1UL << 64`): the argument is 0 or above 2^63.
 *
 * @param value - Non-negative integer.
 * @returns true when the kernel shifts by 64.
 * @remarks Context: any.
 */
export function roundupIsUndefined(value: number): boolean {
  return value === 0 || value > TWO_POW_63;
}

/**
 * The kernel's roundup_pow_of_two() on `unsigned long`.
 *
 * For 0 and for values above 2^63 the kernel computes `1UL << 64`, undefined in
 * C; x86-64 and arm64 shift instructions use the count mod 64, so the model
 * returns 1 (see roundupIsUndefined()).
 *
 * @param value - Non-negative integer.
 * @returns The smallest power of two >= value, or 1 in the undefined cases.
 * @remarks Context: any.
 */
export function roundupPowOfTwo(value: number): number {
  if (roundupIsUndefined(value)) return 1;
  let p = 1;
  while (p < value) p *= 2;
  return p;
}

/**
 * Megabytes as the kernel prints a slab count: `(nslabs << IO_TLB_SHIFT) >> 20`
 * on `unsigned long` (the shift wraps for counts of 2^53 and more).
 *
 * @param nslabs - Slab count.
 * @returns Whole MiB, rounded down.
 * @remarks Context: any.
 */
export function slabsToMb(nslabs: number): number {
  return Number(toU64(BigInt(nslabs) << BigInt(IO_TLB_SHIFT)) >> 20n);
}

/**
 * Bytes of a slab count as `unsigned long` (`nslabs << IO_TLB_SHIFT`, wrapping).
 *
 * @param nslabs - Slab count.
 * @returns nslabs * 2048 mod 2^64, as a number.
 * @remarks Context: any.
 */
export function slabsToBytes(nslabs: number): number {
  return u64ToNumber(toU64(BigInt(nslabs) << BigInt(IO_TLB_SHIFT)));
}

/**
 * Decimal text of an integer as `%lu` prints it (no exponent notation above 2^53).
 *
 * @param value - Non-negative integer-valued number.
 * @returns Its decimal digits.
 * @remarks Context: any.
 */
export function u64Text(value: number): string {
  return BigInt(value).toString();
}
