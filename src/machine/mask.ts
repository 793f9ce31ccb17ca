/**
 * DMA masks as plain numbers: a mask of the form 2^k - 1, clamped to
 * Number.MAX_SAFE_INTEGER (2^53 - 1, "every address this model can hold").
 * BigInt is used only to parse the 64-bit text forms.
 *
 * @module
 */
import { InputError } from '../util/errors.js';

/** The all-ones mask as the model stores it (every representable address). */
export const MASK_ALL = Number.MAX_SAFE_INTEGER;

/**
 * DMA_BIT_MASK(n): the mask with the low n bits set.
 *
 * @param bits - 0..64.
 * @returns 2^bits - 1, clamped to MASK_ALL.
 * @remarks Context: any.
 */
export function dmaBitMask(bits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > 64) {
    throw new RangeError(`Cannot build a DMA bit mask of ${bits} bits: expected 0..64`);
  }
  return bits >= 53 ? MASK_ALL : 2 ** bits - 1;
}

/**
 * Whether a number is a contiguous low-bit mask (2^k - 1, including 0).
 *
 * @param mask - Candidate mask.
 * @returns true for 0, 1, 3, 7, ... and MASK_ALL.
 * @remarks Context: any.
 */
export function isLowMask(mask: number): boolean {
  if (!Number.isInteger(mask) || mask < 0 || mask > MASK_ALL) return false;
  const next = mask + 1;
  return mask === MASK_ALL || Number.isInteger(Math.log2(next));
}

/**
 * Parse a mask written as decimal or 0x-hex (up to 64 bits) into the model's form.
 *
 * @param text - e.g. `0xffffffff` or `4095`.
 * @param what - Field name for the error message.
 * @returns The mask, clamped to MASK_ALL.
 * @throws InputError when the text is not an integer or exceeds 64 bits.
 * @remarks Context: any.
 */
export function parseMask(text: string, what: string): number {
  let v: bigint;
  try {
    if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(text)) throw new Error('syntax');
    v = BigInt(text);
  } catch {
    throw new InputError('bad_mask', `Cannot parse ${what} '${text}': expected a decimal or 0x-hex integer`);
  }
  if (v > 0xffff_ffff_ffff_ffffn) {
    throw new InputError('bad_mask', `Cannot use ${what} '${text}': it is wider than 64 bits`);
  }
  return v >= BigInt(MASK_ALL) ? MASK_ALL : Number(v);
}

/**
 * value & mask for a low mask (2^k - 1) without 32-bit truncation.
 *
 * @param value - Non-negative integer < 2^53.
 * @param mask - A low mask (2^k - 1) or MASK_ALL.
 * @returns value with the bits above the mask cleared.
 * @remarks Context: any. Hot path: plain arithmetic only.
 */
export function andLowMask(value: number, mask: number): number {
  if (mask === MASK_ALL) return value;
  if (value <= 0x7fffffff && mask <= 0x7fffffff) return value & mask;
  const m = mask + 1;
  // Division by a power of two is exact in binary floating point; avoids fmod.
  return value - Math.floor(value / m) * m;
}

/**
 * The low bits of an address below a power of two (addr mod 2^k), fast for any address < 2^53.
 *
 * @param addr - Non-negative integer < 2^53.
 * @param pow2 - A power of two <= 2^31.
 * @returns addr mod pow2, as an int32.
 * @remarks Context: any. Hot path: one machine operation, no division.
 */
export function lowBits(addr: number, pow2: number): number {
  // `&` first reduces an integer modulo 2^32 (ToInt32), which keeps every bit below 2^31 exact.
  return addr & (pow2 - 1);
}

/**
 * Format a mask the way the kernel prints a 64-bit hex value.
 *
 * @param mask - A mask in the model's form.
 * @returns `0xffffffffffffffff` for MASK_ALL, else `0x` + hex.
 * @remarks Context: any.
 */
export function formatMask(mask: number): string {
  return mask === MASK_ALL ? '0xffffffffffffffff' : `0x${mask.toString(16)}`;
}
