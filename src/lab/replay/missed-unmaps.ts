/**
 * Unmaps a capture lost. A probe can miss a hit (a kprobe fired inside
 * another one's handler is dropped and only counted), and a lost unmap
 * leaves its slots in use in the model for good: every later search meets
 * them, and decisions part from the kernel's one after another. In a
 * capture that says it lost events, when the kernel gives out slots the
 * model still holds, its result shows those mappings were unmapped: the
 * replay releases them there, counts them, and goes on from the kernel's
 * state. The map that showed it is still counted as differing. (A complete
 * capture gets no such help: there a held slot the kernel gave out is the
 * model's own difference, and it must show.)
 *
 * @module
 */
import type { IoTlbMem } from '../../swiotlb/io-tlb-mem.js';
import { areaOf } from '../../swiotlb/pool.js';
import { releaseSlots } from '../../swiotlb/slots.js';
import { freeRunAt } from '../../swiotlb/slot-bits.js';
import { IO_TLB_SEGSIZE } from '../../swiotlb/constants.js';

/**
 * Release the mappings that hold any of the slots [index, index + nslots).
 *
 * @param mem - The allocator (one pool).
 * @param index - First slot the kernel gave out.
 * @param nslots - Slots it gave out.
 * @returns How many mappings were released.
 * @remarks Context: replay, after a map whose kernel result the model could not follow.
 */
export function releaseHolders(mem: IoTlbMem, index: number, nslots: number): number {
  const pool = mem.pools[0]!;
  if (index < 0 || nslots < 1 || index + nslots > pool.nslabs) return 0;
  let released = 0;
  for (let s = index; s < index + nslots; s++) {
    if (freeRunAt(pool.bits, s) > 0) continue;
    // The mapping holding s starts at the nearest head at or before it (a mapping spans at most a segment, plus padding).
    let h = s;
    while (h > 0 && h > s - 2 * IO_TLB_SEGSIZE && pool.head[h] !== 1) h--;
    if (pool.head[h] !== 1) break;
    let n = 1;
    while (h + n < pool.nslabs && pool.head[h + n] !== 1 && freeRunAt(pool.bits, h + n) === 0) n++;
    releaseSlots(pool, areaOf(pool, h), h, n);
    mem.totalUsed -= n;
    released++;
    s = h + n - 1;
  }
  return released;
}
