/**
 * Restricted DMA pools: a per-device allocator carved from a firmware
 * reserved region that bounces every streaming mapping and also serves
 * coherent allocations (swiotlb_alloc / swiotlb_free, spec §4.8). One area,
 * never grows.
 *
 * @module
 */
import { IO_TLB_SHIFT, IO_TLB_SIZE, PAGE_SIZE } from './constants.js';
import type { Device } from '../machine/device.js';
import { getOrder } from '../machine/gfp.js';
import type { KernelProfile } from './profiles.js';
import { createIoTlbMem, findPool, logWarning, type IoTlbMem, type BounceMemory } from './io-tlb-mem.js';
import { FoundSlots, findSlotsInPool } from './find-slots.js';
import { SearchRequest } from './search-request.js';
import { swiotlbReleaseSlots } from './map-single.js';
import { InputError } from '../util/errors.js';

/**
 * Create the allocator of a restricted DMA pool (rmem_swiotlb_device_init).
 *
 * @param profile - Kernel profile.
 * @param base - Physical base of the reserved region (a multiple of IO_TLB_SIZE).
 * @param size - Bytes of the region; nslabs = size >> 11, not aligned to 128.
 * @param memory - Memory for the bounce copies, or null.
 * @returns An allocator with one area, force_bounce and for_alloc set.
 * @throws InputError (code `bad_pool`) when the region holds no slot.
 * @remarks Context: process context (first device attach).
 */
export function createRestrictedPool(profile: KernelProfile, base: number, size: number, memory: BounceMemory | null = null): IoTlbMem {
  const nslabs = Math.floor(size / IO_TLB_SIZE);
  if (nslabs <= 0) throw new InputError('bad_pool', `Cannot create a restricted DMA pool of ${size} bytes: it holds no 2 KiB slot`);
  return createIoTlbMem({ profile, start: base, nslabs, nareas: 1, forceBounce: true, forAlloc: true, memory });
}

const req = new SearchRequest();
const found = new FoundSlots();


/**
 * swiotlb_alloc(): coherent memory from a restricted pool, with no original buffer.
 *
 * @param mem - The device's (restricted) allocator.
 * @param dev - The device.
 * @param size - Bytes (dma-direct passes a page-aligned size).
 * @param cpu - Current CPU (irrelevant with one area, kept for symmetry).
 * @returns Physical address of the page holding the first slot, or -1 (mem.lastFailure set).
 * @remarks Context: any context; takes the area lock.
 */
export function swiotlbAlloc(mem: IoTlbMem, dev: Device, size: number, cpu = 0): number {
  const p = mem.profile;
  mem.counters.allocs++;
  const align = p.swiotlbAllocAlign === 'none' ? 0 : PAGE_SIZE * 2 ** getOrder(size) - 1;
  req.origAddr = 0;
  req.mappingSize = size;
  req.allocSize = size;
  req.allocAlignMask = align;
  req.offset = 0;
  req.inSlot = 0;
  req.searchSize = size;
  req.attrs = 0;
  found.pool = null;
  found.livelockArea = -1;
  const pool = mem.pools[0];
  if (pool === undefined || size <= 0 || !findSlotsInPool(mem, pool, dev, cpu, req, found)) {
    mem.lastFailure = { code: 'no_space', size, nslots: Math.ceil(size / IO_TLB_SIZE), totalSlots: mem.nslabs, usedSlots: mem.totalUsed };
    return -1;
  }
  const addr = found.pool!.start + found.index * IO_TLB_SIZE;
  if (p.swiotlbAllocAlign === 'page_order_checked' && addr % PAGE_SIZE !== 0) {
    logWarning(mem, 'alloc_unaligned', `${dev.name}: Cannot allocate pages from non page-aligned swiotlb addr 0x${addr.toString(16).padStart(16, '0')}.`);
    swiotlbReleaseSlots(mem, dev, addr);
    mem.lastFailure = { code: 'not_page_aligned', addr };
    return -1;
  }
  // The kernel hands back the page holding the first slot; in V66a that page
  // may begin inside someone else's slots (the double-allocation bug).
  return addr - (addr % PAGE_SIZE);
}

/**
 * swiotlb_free(): give memory from swiotlb_alloc() back.
 *
 * @param mem - The device's allocator.
 * @param dev - The device.
 * @param addr - Address returned by swiotlbAlloc.
 * @returns false when addr is not in the pool (the caller frees it elsewhere), true when released.
 * @remarks Context: any context; takes the area lock.
 */
export function swiotlbFree(mem: IoTlbMem, dev: Device, addr: number): boolean {
  if (findPool(mem, addr) === null) return false;
  // The release recovers the slot from the address with the device's min_align_mask;
  // page-aligned addresses have no in-slot offset.
  swiotlbReleaseSlots(mem, dev, addr - (addr % (1 << IO_TLB_SHIFT)));
  mem.counters.frees++;
  return true;
}

