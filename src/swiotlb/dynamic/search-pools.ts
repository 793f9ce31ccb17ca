/**
 * The slot search across every pool of a dynamic allocator (spec §3.2,
 * §7 item 34), in the two orders the kernel has used:
 *
 * - **pool-major** (6.6 - 6.7, swiotlb_find_slots() over
 *   swiotlb_pool_find_slots()): each pool in list order (newest first), its
 *   whole cyclic area loop from `cpu & (nareas - 1)`;
 * - **area-major** (6.8+, swiotlb_search_area()): for k = 0 .. default_nareas
 *   - 1, for each pool newest first, skip it when k >= its nareas, else try
 *   area `(cpu + k) & (nareas - 1)`.
 *
 * Transient pools are never on this list; they are searched by their creator.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { IoTlbMem } from '../io-tlb-mem.js';
import type { IoTlbPool } from '../pool.js';
import type { KernelProfile } from '../profiles.js';
import { fillSearchRequest, type SearchRequest } from '../search-request.js';
import { findSlotsInPool, searchPoolArea, type FoundSlots } from '../find-slots.js';

/** A search order across pools. */
export type DynamicOrder = NonNullable<KernelProfile['dynamicOrder']>;

/**
 * Fill the pool-dependent part of a request (alignment masks and the
 * segment-boundary window are relative to the pool's DMA start).
 *
 * @param mem - The allocator (its profile's search family).
 * @param pool - Pool about to be searched.
 * @param dev - Device (min_align_mask, boundary mask, DMA offset).
 * @param req - Request prepared for the call (prepareMap()).
 * @remarks Context: any. No allocation.
 */
export function fillRequestForPool(mem: IoTlbMem, pool: IoTlbPool, dev: Device, req: SearchRequest): void {
  fillSearchRequest(req, mem.profile.family, dev.minAlignMask, req.allocAlignMask, req.searchSize, req.origAddr, pool.start + dev.dmaOffset, dev.segmentBoundaryMask);
}

/**
 * Search the allocator's pools (not the transient ones) and commit the first fit.
 *
 * @param mem - The allocator; `mem.pools` in list order, newest first.
 * @param dev - The device.
 * @param cpu - Current CPU (read once per search, as 6.8+ does; 6.6 reads it per pool, the same value here).
 * @param req - Request prepared for the call.
 * @param found - Filled on success (or livelock, which 6.6+ profiles never report).
 * @param order - `pool-major` or `area-major`.
 * @param defaultNareas - `default_nareas`, the bound of the area-major loop.
 * @returns true when slots were committed.
 * @remarks Context: any context; takes and releases one area lock at a time.
 */
export function swiotlbSearchPools(
  mem: IoTlbMem,
  dev: Device,
  cpu: number,
  req: SearchRequest,
  found: FoundSlots,
  order: DynamicOrder,
  defaultNareas: number,
): boolean {
  const pools = mem.pools;
  if (order === 'pool-major') {
    for (let i = 0; i < pools.length; i++) {
      const pool = pools[i]!;
      if (pool.transient) continue;
      if (findSlotsInPool(mem, pool, dev, cpu, req, found)) return true;
      if (found.livelockArea >= 0) return false;
    }
    return false;
  }
  for (let k = 0; k < defaultNareas; k++) {
    for (let i = 0; i < pools.length; i++) {
      const pool = pools[i]!;
      if (pool.transient || k >= pool.nareas) continue;
      fillRequestForPool(mem, pool, dev, req);
      if (searchPoolArea(mem, pool, (cpu + k) & (pool.nareas - 1), req, found)) return true;
      if (found.livelockArea >= 0) return false;
    }
  }
  return false;
}
