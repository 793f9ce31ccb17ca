/**
 * The common case of a slot search, taken without the general machinery.
 *
 * On a pool that is not nearly full, the kernel's search almost always ends
 * at the first candidate it tests: the CPU's area passes the quick reject,
 * the slot its loop starts from is aligned, and the free run there is long
 * enough and stays inside the device's segment boundary. The kernel then
 * takes that slot after one loop step. This module recognises exactly that
 * case and commits it; in every other case it changes nothing and the caller
 * runs the full search (find-slots.ts), which reaches the same verdict the
 * long way. The differential property tests run both.
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import type { IoTlbMem } from './io-tlb-mem.js';
import { commitFound, type FoundSlots } from './find-slots.js';
import { fillSearchRequest, isAligned, crossesBoundary, type SearchRequest } from './search-request.js';
import { freeRunAt } from './slot-bits.js';

/**
 * Commit the first candidate of the CPU's area of the only pool, when the
 * kernel would take it at once.
 *
 * @param mem - The allocator; must have one persistent pool and no search observer.
 * @param dev - The device (alignment, boundary mask, DMA offset).
 * @param cpu - Current CPU (picks the area).
 * @param req - Request prepared by prepareMap().
 * @param out - Filled on success (pool, index, nslots).
 * @returns true when the slots were committed; false with no state changed otherwise.
 * @remarks Context: takes and releases one area lock. Hot path: no allocation.
 */
export function takeFirstCandidate(mem: IoTlbMem, dev: Device, cpu: number, req: SearchRequest, out: FoundSlots): boolean {
  const pool = mem.pools[0]!;
  if (pool.transient) return false;
  const p = mem.profile;
  fillSearchRequest(req, p.family, dev.minAlignMask, req.allocAlignMask, req.searchSize, req.origAddr, pool.start + dev.dmaOffset, dev.segmentBoundaryMask);
  const n = req.nslots;
  const area = cpu & (pool.nareas - 1);
  const N = pool.areaNslabs;
  if (n > N - pool.areaUsed[area]!) return false;
  // Where each loop starts: 6.6+ at area->index; 6.1 at area->index rounded up to the stride, wrapping to 0.
  let idx = pool.areaIndex[area]!;
  if (p.loop === 'wrap') {
    const s = req.stride;
    idx = Math.ceil(idx / s) * s;
    if (idx >= N) idx = 0;
  }
  const g = area * N + idx;
  if (!isAligned(req, g) || freeRunAt(pool.bits, g) < n || g + n > pool.nslabs) return false;
  if (req.maxSlots < 2 ** 52 && crossesBoundary(req, g)) return false;
  const c = mem.counters;
  c.areaLockAcquisitions++;
  pool.areaLocks[area]!++;
  c.searchSteps += 1;
  commitFound(mem, pool, area, g, req, out);
  return true;
}
