/**
 * Commit and release of slot runs: the `list` bookkeeping of spec §3.4 and
 * §3.5, plus the per-segment bound the fast search relies on.
 *
 * @module
 */
import { IO_TLB_SEGSIZE, IO_TLB_SIZE, INVALID_PHYS_ADDR } from './constants.js';
import type { IoTlbPool } from './pool.js';

const SEG_MASK = IO_TLB_SEGSIZE - 1;

/**
 * Mark `nslots` slots from `index` allocated (the "found:" step of the search).
 *
 * Sets `list` to 0 over the run, stores each slot's remaining allocation size,
 * renumbers the free slots just before the run in the same segment 1, 2, 3...,
 * moves the area's next-fit index just past the run and adds to `used`.
 *
 * @param pool - Pool holding the slots.
 * @param area - Area owning the slots.
 * @param index - Global index of the first slot (the first padding slot if any).
 * @param nslots - Slots to take.
 * @param allocSize - Search size in bytes, including the leading offset (and padding).
 * @param offset - In-slot offset (orig & min_align_mask & 0x7ff).
 * @remarks Context: caller holds the area lock (the model is single-threaded).
 */
export function commitSlots(
  pool: IoTlbPool,
  area: number,
  index: number,
  nslots: number,
  allocSize: number,
  offset: number,
): void {
  index |= 0; // slot indices are small integers; keep the loops on int32 arithmetic
  const list = pool.list;
  const runFromIndex = list[index]!;
  const size = allocSize - offset;
  for (let i = 0; i < nslots; i++) {
    list[index + i] = 0;
    pool.allocSize[index + i] = size - i * IO_TLB_SIZE;
  }
  pool.head[index] = 1;
  let count = 0;
  for (let i = index - 1; i >= 0 && (i & SEG_MASK) !== SEG_MASK && list[i] !== 0; i--) {
    list[i] = ++count;
  }
  // The run that held the allocation was count + runFromIndex long; if it was
  // the segment's longest, the bound may now be stale-high.
  const seg = index >> 7;
  const segs = pool.segs;
  if (segs.exact[seg] === 1 && count + runFromIndex >= segs.bound(seg)) segs.exact[seg] = 0;
  const areaLocal = index - area * pool.areaNslabs;
  pool.areaIndex[area] = areaLocal + nslots < pool.areaNslabs ? areaLocal + nslots : 0;
  pool.areaUsed[area]! += nslots;
}

/**
 * Free `nslots` slots from `index` (swiotlb_release_slots() after the index
 * and count were recovered): merge with the free run after it (same segment
 * only), then renumber the free run before it.
 *
 * @param pool - Pool holding the slots.
 * @param index - Global index of the first slot (padding included).
 * @param nslots - Slots to free.
 * @returns The length of the merged free run.
 * @remarks Context: caller holds the owning area's lock. `area->index` is not touched.
 */
export function releaseSlots(pool: IoTlbPool, index: number, nslots: number): number {
  index |= 0;
  nslots |= 0;
  const list = pool.list;
  const after = index + nslots;
  const segEnd = ((index >> 7) + 1) << 7;
  let count = after < segEnd ? list[after]! : 0;
  for (let i = after - 1; i >= index; i--) {
    list[i] = ++count;
    pool.origAddr[i] = INVALID_PHYS_ADDR;
    pool.allocSize[i] = 0;
    pool.padSlots[i] = 0;
  }
  pool.head[index] = 0;
  for (let i = index - 1; i >= 0 && (i & SEG_MASK) !== SEG_MASK && list[i] !== 0; i--) {
    list[i] = ++count;
  }
  const area = (index / pool.areaNslabs) | 0;
  pool.areaUsed[area]! -= nslots;
  pool.segs.raise(index >> 7, count);
  return count;
}

/**
 * Recompute a segment's exact longest free run from `list` and store it.
 *
 * @param pool - The pool.
 * @param seg - Segment number.
 * @returns The exact longest free run.
 * @remarks Context: caller holds the area lock.
 */
export function tightenSegment(pool: IoTlbPool, seg: number): number {
  const list = pool.list;
  const from = seg * IO_TLB_SEGSIZE;
  let max = 0;
  for (let i = from; i < from + IO_TLB_SEGSIZE; i++) {
    const v = list[i]!;
    if (v > max) max = v;
  }
  pool.segs.set(seg, max, true);
  return max;
}
