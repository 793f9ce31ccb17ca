/**
 * `coherent_pool=` on the kernel command line: the size of each coherent
 * atomic DMA pool (kernel/dma/pool.c reads it with memparse()).
 *
 * @module
 */
import { cStringBytes, isDigitAt, simpleStrtoul } from '../params-strtoul.js';
import { splitKernelCmdline } from '../params-cmdline.js';
import { u64ToNumber } from '../sizing-math.js';

const U64 = (1n << 64n) - 1n;
/** Shifts for each memparse suffix (K = 10 ... E = 60), upper or lower case. */
const SUFFIX_SHIFT: Record<string, bigint> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n, e: 60n };

/**
 * The kernel's memparse(): a number whose base is detected as simple_strtoull
 * does (0x hex, leading 0 octal), times an optional K, M, G, T, P or E
 * suffix, wrapping modulo 2^64; text that does not start with a digit is 0.
 *
 * @param text - The value, e.g. `4M` or `0x10k`.
 * @returns The byte count (above 2^53 it is rounded to the nearest double).
 * @remarks Context: any.
 */
export function memparse(text: string): number {
  const bytes = cStringBytes(text);
  if (!isDigitAt(bytes, 0)) return 0;
  const r = simpleStrtoul(bytes, 0);
  const shift = SUFFIX_SHIFT[String.fromCharCode(bytes[r.end] ?? 0).toLowerCase()] ?? 0n;
  return u64ToNumber((r.value << shift) & U64);
}

/**
 * `atomic_pool_size` as a command line sets it: the last `coherent_pool=`
 * wins (each occurrence overwrites the value); 0 means the default applies.
 *
 * @param cmdline - Kernel command line (other words are ignored).
 * @returns Bytes, or 0 when no `coherent_pool=` sets a size.
 * @remarks Context: any (boot).
 */
export function coherentPoolBytes(cmdline: string): number {
  let size = 0;
  for (const a of splitKernelCmdline(cmdline).args) {
    if (a.param === 'coherent_pool' && a.value !== null) size = memparse(a.value);
  }
  return size;
}
