/**
 * swiotlb_bounce(): copy between the original buffer and the bounce buffer,
 * with the kernel's overflow checks per version (spec §4.2).
 *
 * @module
 */
import { DMA_TO_DEVICE, IO_TLB_SIZE, INVALID_PHYS_ADDR, type DmaDirection } from './constants.js';
import type { Device } from '../machine/device.js';
import { lowBits } from '../machine/mask.js';
import { logWarning, type IoTlbMem } from './io-tlb-mem.js';
import type { IoTlbPool } from './pool.js';

/** Print a size_t the way %zu does, for a value the model keeps signed. */
function zu(v: number): string {
  return v >= 0 ? String(v) : (2n ** 64n + BigInt(v)).toString();
}

/** The pre-6.9 "Access before mapping start" warning (cold: kept out of swiotlbBounce so it inlines). */
function warnBeforeStart(mem: IoTlbMem, dev: Device, origOff: number, tlbOff: number): number {
  logWarning(mem, 'bounce_before_start', `${dev.name}: Access before mapping start detected. orig offset ${origOff}, requested offset ${tlbOff}.`);
  return 0;
}

/** The "Buffer overflow detected" warning (cold); t >= 0 when the offset alone overflows (nothing is copied then). */
function warnOverflow(mem: IoTlbMem, dev: Device, rem: number, size: number, t: number): number {
  const mapping = t >= 0 ? `${size}+${t}` : String(size);
  logWarning(mem, t >= 0 ? 'bounce_overflow_offset' : 'bounce_overflow', `${dev.name}: Buffer overflow detected. Allocation size: ${zu(rem)}. Mapping size: ${mapping}.`);
  return 0;
}

/**
 * Copy `size` bytes at bounce address `tlb` in direction `dir`.
 *
 * Silently does nothing for slots without an original (padding, swiotlb_alloc
 * memory). Before 6.9 an access before the mapping's start offset is refused
 * with a one-time warning; an over-long access is truncated to what remains of
 * the allocation, with a one-time warning.
 *
 * @param mem - The allocator (counters, warnings, memory).
 * @param pool - Pool holding tlb.
 * @param dev - Device (min_align_mask).
 * @param tlb - Bounce address.
 * @param size - Bytes requested.
 * @param dir - DMA_TO_DEVICE copies original to bounce; anything else copies back.
 * @returns Bytes actually copied.
 * @remarks Context: any (no locks).
 */
export function swiotlbBounce(mem: IoTlbMem, pool: IoTlbPool, dev: Device, tlb: number, size: number, dir: DmaDirection): number {
  const i = Math.floor((tlb - pool.start) / IO_TLB_SIZE) | 0;
  let orig = pool.origAddr[i]!;
  let rem = pool.allocSize[i]!;
  if (orig === INVALID_PHYS_ADDR) return 0;
  const tlbOff = lowBits(tlb, IO_TLB_SIZE);
  const origOff = lowBits(orig, IO_TLB_SIZE) & dev.minAlignMask;
  if (mem.profile.bounceSignedOffset) {
    const t = tlbOff - origOff;
    orig += t;
    rem -= t;
  } else {
    if (tlbOff < origOff) return warnBeforeStart(mem, dev, origOff, tlbOff);
    const t = tlbOff - origOff;
    if (rem >= 0 && t > rem) return warnOverflow(mem, dev, rem, size, t);
    orig += t;
    rem -= t;
  }
  if (rem >= 0 && size > rem) {
    warnOverflow(mem, dev, rem, size, -1);
    size = rem;
  }
  const c = mem.counters;
  c.bounceCopies++;
  if (dir === DMA_TO_DEVICE) {
    c.bytesBouncedToDevice += size;
    mem.memory?.copy(tlb, orig, size);
  } else {
    c.bytesBouncedFromDevice += size;
    mem.memory?.copy(orig, tlb, size);
  }
  return size;
}
