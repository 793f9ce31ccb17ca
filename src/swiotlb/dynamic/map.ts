/**
 * swiotlb_tbl_map_single() of a dynamic kernel: prepare the call as the core
 * does, then swiotlb_find_slots() with its dynamic tail (spec §5.2):
 *
 * 1. 6.8+: a search larger than one segment (> 128 slots) fails at once;
 * 2. search every pool in the profile's order (search-pools.ts);
 * 3. on failure, if the allocator can grow: queue the growth worker (when
 *    the design has one) and cover this mapping with a transient pool;
 * 4. on success set the device's `dma_uses_io_tlb`, record the originals and
 *    copy (completeMap()); before 6.11 the copy finds its pool with a walk.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { IO_TLB_MAX_MAPPING, IO_TLB_SIZE } from '../constants.js';
import { FoundSlots } from '../find-slots.js';
import { completeMap, failMap, prepareMap } from '../map-single.js';
import type { MapRequest } from '../policy.js';
import { devIoTlb, type DynIoTlbMem } from './dyn-mem.js';
import type { DynAllocWorker } from './growth.js';
import { getOrder } from '../../machine/gfp.js';
import { swiotlbSearchPools } from './search-pools.js';
import { swiotlbFindSlotsTransient } from './transient.js';
import { DYN_POOL_MAX_SLABS } from './alloc-pool.js';
import { ContractError } from '../../util/errors.js';
import { poolPassedDown } from '../profiles.js';
import { swiotlbFindPoolWalk } from './lookup.js';

const found = new FoundSlots();

/**
 * Map one buffer through a dynamic allocator.
 *
 * @param d - The allocator.
 * @param worker - The growth worker, or null for a design without background growth.
 * @param req - The map request (dma-direct passes alloc_size = mapping size).
 * @param cpu - Current CPU.
 * @param at - Simulated time (when growth is queued, when a transient pool is allocated).
 * @returns The bounce (tlb) address, or -1 with `d.mem.lastFailure` set.
 * @throws ContractError for a zero-slot request or bad numbers, as the core does.
 * @remarks Context: any context; takes area locks one at a time, then dev->dma_io_tlb_lock for a transient pool.
 */
export function swiotlbDynMap(d: DynIoTlbMem, worker: DynAllocWorker | null, req: MapRequest, cpu: number, at: number): number {
  if (!Number.isInteger(cpu) || cpu < 0) throw new ContractError('bad_cpu', `Cannot map: cpu ${cpu} is not a non-negative integer`);
  const mem = d.mem;
  const dev: Device = req.dev;
  const r = mem.req;
  if (!prepareMap(mem, dev, req.orig, req.size, req.size, req.allocAlignMask, req.attrs, r)) return -1;
  found.pool = null;
  found.index = -1;
  found.livelockArea = -1;
  const p = mem.profile;
  // 6.8+: "check alloc_size before the allocation of a new memory pool".
  if (p.dynamicEarlyReject && r.searchSize > IO_TLB_MAX_MAPPING) return failMap(mem, dev, r, found);
  const s = devIoTlb(d, dev);
  let ok = swiotlbSearchPools(mem, dev, cpu, r, found, p.dynamicOrder ?? 'pool-major', d.defaultNareas);
  let refused = false;
  if (!ok && found.livelockArea < 0 && d.canGrow) {
    worker?.schedule(d, at);
    const outcome = swiotlbFindSlotsTransient(d, dev, s, r, found, at);
    ok = outcome === 'ok';
    refused = outcome === 'no_memory';
  }
  if (!ok) {
    failMap(mem, dev, r, found);
    // The kernel prints "buffer is full" either way; the data says the page allocator refused.
    if (refused && mem.lastFailure?.code !== 'too_large') {
      const nslabs = Math.min(Math.ceil(r.searchSize / IO_TLB_SIZE), DYN_POOL_MAX_SLABS);
      mem.lastFailure = { code: 'no_memory', size: nslabs * IO_TLB_SIZE, order: getOrder(nslabs * IO_TLB_SIZE) };
    }
    return -1;
  }
  s.usesIoTlb = true; // WRITE_ONCE + smp_mb() in the kernel
  // 6.6 - 6.10: the copy's swiotlb_bounce() walks the pools for the one just used (6.11+ passes it down).
  if (!poolPassedDown(p)) swiotlbFindPoolWalk(d, s, found.pool!.start);
  return completeMap(mem, dev, r, found);
}
