/**
 * Commit and release of slot runs (spec §3.4 and §3.5), plus the
 * per-segment bound the fast search relies on.
 *
 * The kernel renumbers `list` over the free run before an allocation or
 * release; the model flips occupancy bits instead (slot-bits.ts), which
 * leaves every derived `list` value exactly where the kernel's would be.
 *
 * @module
 */
import { IO_TLB_SIZE, INVALID_PHYS_ADDR } from './constants.js';
import type { IoTlbPool } from './pool.js';
import { freeRunAt, freeRunBefore, longestFreeRun, markSlots } from './slot-bits.js';

/**
 * Mark `nslots` slots from `index` allocated (the "found:" step of the search).
 *
 * Stores each slot's remaining allocation size, moves the area's next-fit
 * index just past the run and adds to `used`.
 *
 * @param pool - Pool holding the slots.
 * @param area - Area owning the slots.
 * @param index - Global index of the first slot (the first padding slot if any).
 * @param nslots - Slots to take.
 * @param allocSize - Search size in bytes, including the leading offset (and padding).
 * @param offset - In-slot offset (orig & min_align_mask & 0x7ff).
 * @remarks Context: caller holds the area lock (the model is single-threaded).
 */
export function commitSlots(pool: IoTlbPool, area: number, index: number, nslots: number, allocSize: number, offset: number): void {
  index |= 0;
  const bits = pool.bits;
  // The free run that held the allocation; if it was the segment's longest,
  // the segment's bound may now be stale-high.
  const seg = index >> 7;
  const segs = pool.segs;
  if (segs.exact[seg] === 1 && freeRunBefore(bits, index) + freeRunAt(bits, index) >= segs.bound(seg)) segs.exact[seg] = 0;
  markSlots(bits, index, nslots, true);
  const size = allocSize - offset;
  const allocSizes = pool.allocSize;
  for (let i = 0; i < nslots; i++) allocSizes[index + i] = size - i * IO_TLB_SIZE;
  pool.head[index] = 1;
  const areaLocal = index - area * pool.areaNslabs;
  pool.areaIndex[area] = areaLocal + nslots < pool.areaNslabs ? areaLocal + nslots : 0;
  pool.areaUsed[area]! += nslots;
}

/**
 * Free `nslots` slots from `index` (swiotlb_release_slots() after the index
 * and count were recovered): the run merges with the free runs around it in
 * the same segment.
 *
 * @param pool - Pool holding the slots.
 * @param area - Area owning the slots.
 * @param index - Global index of the first slot (padding included).
 * @param nslots - Slots to free.
 * @returns The length of the merged free run, or -1 when the segment's bound was already a full segment (not measured).
 * @remarks Context: caller holds the owning area's lock. `area->index` is not touched.
 */
export function releaseSlots(pool: IoTlbPool, area: number, index: number, nslots: number): number {
  index |= 0;
  nslots |= 0;
  const bits = pool.bits;
  markSlots(bits, index, nslots, false);
  for (let i = index; i < index + nslots; i++) {
    pool.origAddr[i] = INVALID_PHYS_ADDR;
    pool.allocSize[i] = 0;
    pool.padSlots[i] = 0;
  }
  pool.head[index] = 0;
  pool.areaUsed[area]! -= nslots;
  // The merged run can only raise the segment's bound; a bound of 128 (a whole
  // segment, or stale-high) cannot rise, so skip measuring the run then.
  const seg = index >> 7;
  if (pool.segs.bound(seg) === 128) return -1;
  const merged = freeRunBefore(bits, index) + freeRunAt(bits, index);
  pool.segs.raise(seg, merged);
  return merged;
}

/**
 * Recompute a segment's exact longest free run and store it.
 *
 * @param pool - The pool.
 * @param seg - Segment number.
 * @returns The exact longest free run.
 * @remarks Context: caller holds the area lock.
 */
export function tightenSegment(pool: IoTlbPool, seg: number): number {
  const max = longestFreeRun(pool.bits, seg);
  pool.segs.set(seg, max, true);
  return max;
}
