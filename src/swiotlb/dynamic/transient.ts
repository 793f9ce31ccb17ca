/**
 * Transient pools (spec §5.2, §7 item 35): when every pool is full and the
 * allocator can grow, a pool of exactly `nr_slots(size)` slots and one area
 * is allocated for this one mapping below the device's reach, searched (its
 * own alignment can make that fail), put on the device's list, and freed
 * whole at unmap.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { dmaReachLimit } from '../../machine/device.js';
import { nrSlots } from '../constants.js';
import type { IoTlbPool } from '../pool.js';
import type { SearchRequest } from '../search-request.js';
import { searchPoolArea, type FoundSlots } from '../find-slots.js';
import { swiotlbAllocPool, swiotlbDynFree } from './alloc-pool.js';
import type { DevIoTlb, DynIoTlbMem } from './dyn-mem.js';
import { fillRequestForPool } from './search-pools.js';

/** Why a transient pool did not serve a mapping. */
export type TransientOutcome = 'ok' | 'no_memory' | 'no_fit';

/**
 * Allocate a transient pool for one request and commit its slots (the tail
 * of swiotlb_find_slots()).
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param s - The device's state (its transient list).
 * @param req - Request prepared for the call (searchSize includes offset and padding).
 * @param found - Filled on success.
 * @param at - Simulated time.
 * @returns `ok`; `no_memory` when the page allocator refused; `no_fit` when the new pool's own search failed (the pool is freed at once).
 * @remarks Context: any (GFP_NOWAIT); takes the new pool's area lock, then dev->dma_io_tlb_lock.
 */
export function swiotlbFindSlotsTransient(d: DynIoTlbMem, dev: Device, s: DevIoTlb, req: SearchRequest, found: FoundSlots, at: number): TransientOutcome {
  const mem = d.mem;
  const nslabs = nrSlots(req.searchSize);
  const p = swiotlbAllocPool(d, {
    minslabs: nslabs,
    nslabs,
    nareas: 1,
    physLimit: dmaReachLimit(dev),
    maySleep: false,
    transient: true,
    id: d.nextPoolId,
    clampList: mem.profile.listClampedToPoolEnd,
    maxSlabs: Infinity,
    at,
  });
  if (p === null) {
    d.counters.transientAllocFailures++;
    return 'no_memory';
  }
  d.nextPoolId++;
  fillRequestForPool(mem, p.pool, dev, req);
  if (!searchPoolArea(mem, p.pool, 0, req, found)) {
    d.counters.transientUseless++;
    swiotlbDynFree(d, p, at);
    return 'no_fit';
  }
  d.counters.devLockAcquisitions++;
  d.dynPools.set(p.pool, p);
  s.pools.unshift(p.pool);
  mem.transientNslabs += p.pool.nslabs;
  d.counters.transientCreated++;
  return 'ok';
}

/**
 * Delete a transient pool at unmap (swiotlb_del_transient()): its slots leave
 * `total_used` (and `transient_nslabs`) in one step, it leaves the device's
 * list, and its memory is freed. Its area counters are never decremented.
 *
 * @param d - The allocator.
 * @param s - The device's state.
 * @param pool - A transient pool of that device.
 * @param at - Simulated time.
 * @remarks Context: any; takes dev->dma_io_tlb_lock (the kernel frees through call_rcu()).
 */
export function swiotlbDelTransient(d: DynIoTlbMem, s: DevIoTlb, pool: IoTlbPool, at: number): void {
  const mem = d.mem;
  mem.totalUsed -= pool.nslabs;
  mem.transientNslabs -= pool.nslabs;
  d.counters.devLockAcquisitions++;
  const i = s.pools.indexOf(pool);
  if (i >= 0) s.pools.splice(i, 1);
  const p = d.dynPools.get(pool)!;
  d.dynPools.delete(pool);
  swiotlbDynFree(d, p, at);
  d.counters.transientFreed++;
}
