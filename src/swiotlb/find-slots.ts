/**
 * Which areas are tried, in which order (spec §3.2), with the quick reject
 * and the per-area search (fast or scan).
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import { logWarning, type IoTlbMem } from './io-tlb-mem.js';
import type { IoTlbPool } from './pool.js';
import { fillSearchRequest, type SearchRequest } from './search-request.js';
import { scanArea } from './search-scan.js';
import { searchAreaFast } from './search-fast.js';
import { commitSlots } from './slots.js';

/** Where a successful search landed (reused). */
export class FoundSlots {
  pool: IoTlbPool | null = null;
  /** Global slot index of the first slot (padding included). */
  index = -1;
  nslots = 0;
  /** Area that held the livelock, when the 6.1 loop would spin. */
  livelockArea = -1;
  livelockIndex = -1;
}

/**
 * Search one area of one pool and commit on success (swiotlb_do_find_slots /
 * swiotlb_search_pool_area).
 *
 * @param mem - The allocator.
 * @param pool - The pool.
 * @param area - Area to try.
 * @param req - Request filled for this pool (prepareSearch, then fillSearchRequest).
 * @param out - Filled on success or livelock.
 * @returns true when slots were committed.
 * @remarks Context: takes and releases the area lock.
 */
export function searchPoolArea(mem: IoTlbMem, pool: IoTlbPool, area: number, req: SearchRequest, out: FoundSlots): boolean {
  const c = mem.counters;
  c.areaLockAcquisitions++;
  pool.areaLocks[area]!++;
  const n = req.nslots;
  if (n > pool.areaNslabs - pool.areaUsed[area]!) {
    c.areaQuickRejects++;
    mem.observer?.areaTried(pool, area, -1, n);
    return false;
  }
  const r = mem.areaResult;
  if (mem.searchImpl === 'fast' && req.fastOk) searchAreaFast(pool, area, req, mem.profile.loop, r);
  else scanArea(pool, area, req, mem.profile.loop, r);
  c.searchSteps += r.steps;
  if (r.livelock) {
    c.livelocks++;
    out.livelockArea = area;
    out.livelockIndex = pool.areaIndex[area]!;
    return false;
  }
  if (r.index < 0) {
    mem.observer?.areaTried(pool, area, -1, n);
    return false;
  }
  commitFound(mem, pool, area, r.index, req, out);
  return true;
}

/**
 * The search's "found:" step: commit req.nslots slots from `index`, count
 * them and say where they are.
 *
 * @param mem - The allocator.
 * @param pool - The pool searched.
 * @param area - Area owning the slots.
 * @param index - Global index of the first slot (padding included).
 * @param req - The request searched for.
 * @param out - Filled with pool, index and nslots.
 * @returns Nothing.
 * @remarks Context: caller holds the area lock.
 */
export function commitFound(mem: IoTlbMem, pool: IoTlbPool, area: number, index: number, req: SearchRequest, out: FoundSlots): void {
  const n = req.nslots;
  commitSlots(pool, area, index, n, req.searchSize, req.inSlot);
  if (index + n > pool.nslabs) {
    mem.counters.poolOverruns++;
    logWarning(mem, null, `swiotlb: slots ${index}..${index + n - 1} run past the end of the pool (${pool.nslabs} slots): the kernel would corrupt the memory after it`);
  }
  out.pool = pool;
  out.index = index;
  out.nslots = n;
  // 6.1 has no total_used/hiwater; the model keeps both anyway (they equal the area sum there).
  mem.totalUsed += n;
  if (mem.totalUsed > mem.usedHiwater) mem.usedHiwater = mem.totalUsed;
  mem.observer?.areaTried(pool, area, index, n);
}

/**
 * Search one pool's areas starting at the CPU's area (cpu & (nareas - 1)), then cyclically.
 *
 * @param mem - The allocator.
 * @param pool - The pool.
 * @param dev - Device (min_align_mask, boundary mask, DMA offset).
 * @param cpu - Current CPU.
 * @param req - Request with the call's fields filled (prepareSearch); the pool part is filled here.
 * @param out - Filled on success or livelock.
 * @returns true on success; false when every area failed or a livelock was detected (out.livelockArea >= 0).
 * @remarks Context: takes and releases area locks one at a time.
 */
export function findSlotsInPool(
  mem: IoTlbMem,
  pool: IoTlbPool,
  dev: Device,
  cpu: number,
  req: SearchRequest,
  out: FoundSlots,
): boolean {
  fillSearchRequest(req, mem.profile.family, dev.minAlignMask, req.allocAlignMask, req.searchSize, req.origAddr, pool.start + dev.dmaOffset, dev.segmentBoundaryMask);
  const nareas = pool.nareas;
  const start = cpu & (nareas - 1);
  let a = start;
  do {
    if (searchPoolArea(mem, pool, a, req, out)) return true;
    if (out.livelockArea >= 0) return false;
    a = a + 1 >= nareas ? 0 : a + 1;
  } while (a !== start);
  return false;
}
