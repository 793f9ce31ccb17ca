/**
 * swiotlb_tbl_map_single() and swiotlb_tbl_unmap_single(): reserve a bounce
 * buffer for a mapping, copy into it, and give it back (spec §4.1, §4.3).
 *
 * @module
 */
import {
  DMA_ATTR_NO_WARN,
  DMA_ATTR_SKIP_CPU_SYNC,
  DMA_BIDIRECTIONAL,
  DMA_FROM_DEVICE,
  DMA_TO_DEVICE,
  IO_TLB_SEGSIZE,
  IO_TLB_SIZE,
  type DmaDirection,
} from './constants.js';
import type { Device } from '../machine/device.js';
import { lowBits } from '../machine/mask.js';
import { findPool, logWarning, memUsed, poolContaining, type IoTlbMem } from './io-tlb-mem.js';
import { poolPassedDown } from './profiles.js';
import { areaOf, type IoTlbPool } from './pool.js';
import { releaseSlots } from './slots.js';
import { FoundSlots, findSlotsInPool } from './find-slots.js';
import { takeFirstCandidate } from './first-candidate.js';
import type { SearchRequest } from './search-request.js';
import { swiotlbBounce } from './bounce.js';
import { swiotlbMaxMappingSize } from './limits.js';
import { ContractError } from '../util/errors.js';

const found = new FoundSlots();
const LOW = IO_TLB_SIZE - 1;

/**
 * The offset the bounce buffer preserves: orig & min_align_mask & mask.
 *
 * @param orig - Original address.
 * @param minAlignMask - Device min_align_mask.
 * @param mask - 0x7ff, or alloc_align_mask | 0x7ff in V69+.
 * @returns The offset.
 * @remarks Context: any.
 */
export function alignOffset(orig: number, minAlignMask: number, mask: number): number {
  return lowBits(orig, 0x80000000) & minAlignMask & mask;
}

/**
 * Validate the numbers of a map call; the kernel would BUG or corrupt instead.
 */
function checkMapArgs(orig: number, mappingSize: number, allocSize: number, cpu: number): void {
  if (!Number.isSafeInteger(orig) || orig < 0) throw new ContractError('bad_address', `Cannot map: original address ${orig} is not a non-negative integer`);
  if (!Number.isSafeInteger(mappingSize) || mappingSize < 0) throw new ContractError('bad_size', `Cannot map: mapping size ${mappingSize} is not a non-negative integer`);
  if (!Number.isSafeInteger(allocSize) || allocSize < 0) throw new ContractError('bad_size', `Cannot map: alloc size ${allocSize} is not a non-negative integer`);
  if (!Number.isInteger(cpu) || cpu < 0) throw new ContractError('bad_cpu', `Cannot map: cpu ${cpu} is not a non-negative integer`);
}

/**
 * Phase 1 of a map: check the call and compute offset, search size and slots
 * (everything before the area search).
 *
 * @param mem - The device's allocator.
 * @param dev - The device.
 * @param orig - Physical address of the original buffer.
 * @param mappingSize - Bytes mapped.
 * @param allocSize - Bytes to reserve (<= 6.10 signature; ignored with aligned_mapping sizing).
 * @param allocAlignMask - alloc_align_mask (0 from dma-direct).
 * @param attrs - DMA attributes.
 * @param req - Request to fill (one per map in flight).
 * @returns true when the search may start; false with mem.lastFailure set (no pool, invalid sizes).
 * @throws ContractError for a zero-slot request (the kernel's BUG) or bad numbers.
 * @remarks Context: any context; no locks.
 */
export function prepareMap(
  mem: IoTlbMem,
  dev: Device,
  orig: number,
  mappingSize: number,
  allocSize: number,
  allocAlignMask: number,
  attrs: number,
  req: SearchRequest,
): boolean {
  checkMapArgs(orig, mappingSize, allocSize, 0);
  const p = mem.profile;
  mem.counters.maps++;
  if (mem.nslabs === 0 || mem.pools.length === 0) {
    logWarning(mem, null, `${dev.name}: Can not allocate SWIOTLB buffer earlier and can't now provide you with the DMA bounce buffer`);
    fail(mem, { code: 'no_swiotlb', size: mappingSize });
    return false;
  }
  const v611 = p.mapSizing === 'aligned_mapping';
  if (!v611 && mappingSize > allocSize) {
    logWarning(mem, 'invalid_sizes', `${dev.name}: Invalid sizes (mapping: ${mappingSize} bytes, alloc: ${allocSize} bytes)`);
    fail(mem, { code: 'invalid_size', mappingSize, allocSize });
    return false;
  }
  const offset = alignOffset(orig, dev.minAlignMask, p.padSlots ? allocAlignMask | LOW : LOW);
  const align = allocAlignMask + 1;
  const searchSize = v611 ? Math.ceil((mappingSize + offset) / align) * align : allocSize + offset;
  if (searchSize === 0) throw new ContractError('zero_size', 'Cannot map 0 bytes: the kernel would BUG on a zero-slot search');
  req.origAddr = orig;
  req.mappingSize = mappingSize;
  req.allocSize = v611 ? mappingSize : allocSize;
  req.allocAlignMask = allocAlignMask;
  req.offset = offset;
  req.inSlot = offset & LOW;
  req.searchSize = searchSize;
  req.nslots = Math.ceil(searchSize / IO_TLB_SIZE);
  req.attrs = attrs;
  return true;
}

/**
 * Phase 3 of a successful map: record the originals, compute the bounce
 * address and copy the original into it.
 *
 * @param mem - The allocator.
 * @param dev - The device.
 * @param req - The prepared request.
 * @param found - Where the search committed the slots.
 * @returns The bounce (tlb) address.
 * @remarks Context: any context; no locks (the slots are owned by this mapping).
 */
export function completeMap(mem: IoTlbMem, dev: Device, req: SearchRequest, found: FoundSlots): number {
  const p = mem.profile;
  const pool = found.pool!;
  let index = found.index;
  const offset = req.inSlot;
  let dataSlots: number;
  if (p.padSlots) {
    const pad = Math.floor(req.offset / IO_TLB_SIZE);
    index += pad;
    pool.padSlots[index] = pad;
    dataSlots = p.mapSizing === 'aligned_mapping' ? req.nslots - pad : Math.ceil((req.allocSize + offset) / IO_TLB_SIZE);
  } else {
    dataSlots = Math.ceil((req.allocSize + offset) / IO_TLB_SIZE);
  }
  const orig = req.origAddr;
  for (let k = 0; k < dataSlots; k++) pool.origAddr[index + k] = orig + k * IO_TLB_SIZE;
  const tlb = pool.start + index * IO_TLB_SIZE + offset;
  // Bounce to the device whatever the direction, so a partial device write
  // never exposes stale bounce-buffer contents (the kernel's rule).
  swiotlbBounce(mem, pool, dev, tlb, req.mappingSize, DMA_TO_DEVICE);
  return tlb;
}

/**
 * Phase 3 of a failed map: the "buffer is full" warning and the failure record.
 *
 * @param mem - The allocator.
 * @param dev - The device.
 * @param req - The prepared request.
 * @param found - Search outcome (livelock fields).
 * @returns -1 (DMA_MAPPING_ERROR as the model writes it).
 * @remarks Context: any context.
 */
export function failMap(mem: IoTlbMem, dev: Device, req: SearchRequest, found: FoundSlots): number {
  const v611 = mem.profile.mapSizing === 'aligned_mapping';
  const sz = v611 ? req.searchSize : req.allocSize;
  const used = memUsed(mem);
  const nslots = req.nslots;
  if (found.livelockArea >= 0) {
    return fail(mem, { code: 'livelock', size: sz, nslots, area: found.livelockArea, areaIndex: found.livelockIndex });
  }
  if ((req.attrs & DMA_ATTR_NO_WARN) === 0) {
    logWarning(mem, null, `${dev.name}: swiotlb buffer is full (sz: ${sz} bytes), total ${mem.nslabs} (slots), used ${used} (slots)`);
  }
  if (nslots > IO_TLB_SEGSIZE) return fail(mem, { code: 'too_large', size: sz, maxMappingSize: swiotlbMaxMappingSize(dev), nslots });
  const free = mem.nslabs - used;
  if (free < nslots) return fail(mem, { code: 'no_space', size: sz, nslots, totalSlots: mem.nslabs, usedSlots: used });
  return fail(mem, { code: 'fragmented', size: sz, nslots, totalSlots: mem.nslabs, usedSlots: used, freeSlots: free });
}

/**
 * Map a buffer through the swiotlb (swiotlb_tbl_map_single()).
 *
 * @param mem - The device's allocator.
 * @param dev - The device.
 * @param cpu - CPU making the call (picks the first area).
 * @param orig - Physical address of the original buffer.
 * @param mappingSize - Bytes mapped (copied to the bounce buffer).
 * @param allocSize - Bytes to reserve (<= 6.10; ignored by profiles with aligned_mapping sizing).
 * @param allocAlignMask - alloc_align_mask (0 from dma-direct).
 * @param dir - DMA direction (the map copies to the device whatever it is).
 * @param attrs - DMA attributes.
 * @returns The bounce (tlb) address, or -1 with mem.lastFailure set.
 * @throws ContractError for a zero-slot request (the kernel's BUG) or bad numbers.
 * @remarks Context: any context; takes area locks one at a time.
 */
export function swiotlbTblMapSingle(
  mem: IoTlbMem,
  dev: Device,
  cpu: number,
  orig: number,
  mappingSize: number,
  allocSize: number,
  allocAlignMask: number,
  dir: DmaDirection,
  attrs: number,
): number {
  if (!Number.isInteger(cpu) || cpu < 0) throw new ContractError('bad_cpu', `Cannot map: cpu ${cpu} is not a non-negative integer`);
  void dir;
  const req = mem.req;
  if (!prepareMap(mem, dev, orig, mappingSize, allocSize, allocAlignMask, attrs, req)) return -1;
  found.pool = null;
  found.livelockArea = -1;
  const pools = mem.pools;
  if (pools.length === 1 && mem.observer === null && mem.searchImpl === 'fast' && takeFirstCandidate(mem, dev, cpu, req, found)) return completeMap(mem, dev, req, found);
  for (let i = 0; i < pools.length; i++) {
    const pool = pools[i]!;
    if (pool.transient) continue;
    if (findSlotsInPool(mem, pool, dev, cpu, req, found)) return completeMap(mem, dev, req, found);
    if (found.livelockArea >= 0) break;
  }
  return failMap(mem, dev, req, found);
}

function fail(mem: IoTlbMem, f: NonNullable<IoTlbMem['lastFailure']>): number {
  mem.counters.mapFailures++;
  mem.lastFailure = f;
  return -1;
}

/**
 * Unmap a bounce buffer (swiotlb_tbl_unmap_single()): copy back for
 * FROM_DEVICE/BIDIRECTIONAL unless SKIP_CPU_SYNC, then release the slots.
 *
 * @param mem - The device's allocator.
 * @param dev - The device.
 * @param tlb - Bounce address returned by the map.
 * @param mappingSize - Bytes mapped.
 * @param dir - DMA direction.
 * @param attrs - DMA attributes.
 * @throws ContractError (`unmap_not_swiotlb`, `unmap_not_mapped`) where the kernel would corrupt its lists.
 * @remarks Context: any context; takes the owning area's lock.
 */
export function swiotlbTblUnmapSingle(mem: IoTlbMem, dev: Device, tlb: number, mappingSize: number, dir: DmaDirection, attrs: number): void {
  const pool = poolOf(mem, tlb, 'unmap');
  mem.counters.unmaps++;
  if ((attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0 && (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL)) {
    swiotlbBounce(mem, pool, dev, tlb, mappingSize, DMA_FROM_DEVICE);
  }
  releaseInPool(mem, pool, dev, tlb);
}

/**
 * The pool of a bounce address handed back by an unmap or a sync. On 6.11+
 * these functions are the wrappers that look the pool up (swiotlb_find_pool(),
 * a range check without dynamic pools: one counted lookup). Before 6.11 a
 * kernel without dynamic pools knows it already (the device's single
 * allocator; 6.6 - 6.10's swiotlb_find_pool() returns the default pool
 * unchecked): the lookup counted is dma-direct's is_swiotlb_buffer() before
 * the call.
 */
function poolOf(mem: IoTlbMem, tlb: number, what: string): IoTlbPool {
  const pool = poolPassedDown(mem.profile) ? findPool(mem, tlb) : poolContaining(mem, tlb);
  if (pool === null) {
    throw new ContractError('unmap_not_swiotlb', `Cannot ${what} 0x${tlb.toString(16)}: it is not a swiotlb bounce address`);
  }
  return pool;
}

/** Where the last release happened (reused; read by replay). */
export const lastRelease = { poolId: -1, area: -1, index: -1, nslots: 0 };

/**
 * Give a bounce buffer's slots back (swiotlb_release_slots()).
 *
 * @param mem - The allocator.
 * @param dev - Device (its min_align_mask recovers the slot from the address).
 * @param tlb - Bounce address.
 * @returns Slots freed.
 * @throws ContractError (`unmap_not_mapped`) when tlb is not the address of a live allocation.
 * @remarks Context: takes the owning area's lock.
 */
export function swiotlbReleaseSlots(mem: IoTlbMem, dev: Device, tlb: number): number {
  return releaseInPool(mem, poolOf(mem, tlb, 'release'), dev, tlb);
}

/**
 * swiotlb_release_slots() for a bounce address whose pool is already known
 * (6.11+ passes the pool down; dynamic kernels look it up first).
 *
 * @param mem - The allocator.
 * @param pool - The pool holding tlb.
 * @param dev - Device (its min_align_mask recovers the slot from the address).
 * @param tlb - Bounce address.
 * @returns Slots freed.
 * @throws ContractError (code `unmap_not_mapped`) when tlb is not the address of a live allocation.
 * @remarks Context: takes the owning area's lock.
 */
export function releaseInPool(mem: IoTlbMem, pool: IoTlbPool, dev: Device, tlb: number): number {
  const off = lowBits(tlb, IO_TLB_SIZE) & dev.minAlignMask;
  // Like the kernel's ">> IO_TLB_SHIFT": an interior address rounds down.
  let index = Math.floor((tlb - off - pool.start) / IO_TLB_SIZE) | 0;
  if (mem.profile.padSlots) index -= pool.padSlots[index]!;
  if (index < 0 || pool.head[index] !== 1) {
    throw new ContractError(
      'unmap_not_mapped',
      `Cannot release 0x${tlb.toString(16)} for ${dev.name}: slot ${index} is not the start of a live mapping (never mapped, already unmapped, or mapped with another min_align_mask)`,
    );
  }
  const nslots = Math.ceil((pool.allocSize[index]! + off) / IO_TLB_SIZE);
  const area = areaOf(pool, index);
  mem.counters.areaLockAcquisitions++;
  pool.areaLocks[area]!++;
  releaseSlots(pool, area, index, nslots);
  mem.totalUsed -= nslots;
  lastRelease.poolId = pool.id;
  lastRelease.area = area;
  lastRelease.index = index;
  lastRelease.nslots = nslots;
  return nslots;
}

/**
 * swiotlb_sync_single_for_device(): bounce to the device for TO_DEVICE and BIDIRECTIONAL.
 *
 * @param mem - The allocator.
 * @param dev - The device.
 * @param tlb - Address inside a bounce buffer.
 * @param size - Bytes.
 * @param dir - Direction; DMA_NONE is the kernel's BUG.
 * @remarks Context: any.
 */
export function swiotlbSyncSingleForDevice(mem: IoTlbMem, dev: Device, tlb: number, size: number, dir: DmaDirection): void {
  const pool = poolOf(mem, tlb, 'sync');
  mem.counters.syncs++;
  if (dir === DMA_TO_DEVICE || dir === DMA_BIDIRECTIONAL) swiotlbBounce(mem, pool, dev, tlb, size, DMA_TO_DEVICE);
  else if (dir !== DMA_FROM_DEVICE) throw new ContractError('bad_direction', `Cannot sync for device with direction ${dir}: the kernel would BUG`);
}

/**
 * swiotlb_sync_single_for_cpu(): bounce back for FROM_DEVICE and BIDIRECTIONAL.
 *
 * @param mem - The allocator.
 * @param dev - The device.
 * @param tlb - Address inside a bounce buffer.
 * @param size - Bytes.
 * @param dir - Direction; DMA_NONE is the kernel's BUG.
 * @remarks Context: any.
 */
export function swiotlbSyncSingleForCpu(mem: IoTlbMem, dev: Device, tlb: number, size: number, dir: DmaDirection): void {
  const pool = poolOf(mem, tlb, 'sync');
  mem.counters.syncs++;
  if (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL) swiotlbBounce(mem, pool, dev, tlb, size, DMA_FROM_DEVICE);
  else if (dir !== DMA_TO_DEVICE) throw new ContractError('bad_direction', `Cannot sync for cpu with direction ${dir}: the kernel would BUG`);
}
