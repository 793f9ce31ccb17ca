/**
 * Unmap and sync in a dynamic kernel (spec §4.3, §5.2): the pool of the
 * address is looked up (three times per unmap up to 6.10, once from 6.11),
 * the copy-back is done, a transient pool is deleted whole, and slots of any
 * other pool are released as in the fixed design.
 *
 * The core's release helper is private to map-single.ts and looks the pool up
 * itself, so the release is repeated here for a pool already found.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { lowBits } from '../../machine/mask.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, IO_TLB_SIZE, type DmaDirection } from '../constants.js';
import type { IoTlbMem } from '../io-tlb-mem.js';
import type { IoTlbPool } from '../pool.js';
import { releaseSlots } from '../slots.js';
import { swiotlbBounce } from '../bounce.js';
import { ContractError } from '../../util/errors.js';
import { devIoTlb, type DynIoTlbMem } from './dyn-mem.js';
import { poolOfBounce, poolPassedDown } from './lookup.js';
import { swiotlbDelTransient } from './transient.js';

/**
 * swiotlb_release_slots() for a known pool.
 *
 * @param mem - The allocator.
 * @param pool - Pool holding tlb (not transient).
 * @param dev - Device (min_align_mask recovers the first slot).
 * @param tlb - Bounce address.
 * @returns Slots freed.
 * @throws ContractError (code `unmap_not_mapped`) when tlb is not the address of a live allocation.
 * @remarks Context: any; takes the owning area's lock.
 */
export function releaseInPool(mem: IoTlbMem, pool: IoTlbPool, dev: Device, tlb: number): number {
  const off = lowBits(tlb, IO_TLB_SIZE) & dev.minAlignMask;
  let index = Math.floor((tlb - off - pool.start) / IO_TLB_SIZE) | 0;
  if (mem.profile.padSlots) index -= pool.padSlots[index]!;
  if (index < 0 || pool.head[index] !== 1) {
    throw new ContractError('unmap_not_mapped', `Cannot release 0x${tlb.toString(16)} for ${dev.name}: slot ${index} of pool ${pool.id} is not the start of a live mapping`);
  }
  const nslots = Math.ceil((pool.allocSize[index]! + off) / IO_TLB_SIZE);
  const area = (index / pool.areaNslabs) | 0;
  mem.counters.areaLockAcquisitions++;
  pool.areaLocks[area]!++;
  releaseSlots(pool, index, nslots);
  mem.totalUsed -= nslots;
  return nslots;
}

/**
 * swiotlb_tbl_unmap_single() of a dynamic kernel.
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param tlb - Bounce address returned by the map.
 * @param size - Bytes mapped.
 * @param dir - Direction: FROM_DEVICE and BIDIRECTIONAL copy back unless SKIP_CPU_SYNC.
 * @param attrs - DMA attributes.
 * @param at - Simulated time (when a transient pool is freed).
 * @throws ContractError (`unmap_not_swiotlb`, `unmap_not_mapped`) where the kernel would crash or corrupt its lists.
 * @remarks Context: any context; takes the owning area's lock, or dev->dma_io_tlb_lock for a transient pool.
 */
export function swiotlbDynUnmap(d: DynIoTlbMem, dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, at: number): void {
  const mem = d.mem;
  const once = poolPassedDown(mem.profile);
  const copy = (attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0 && (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL);
  // 6.11+: one gated lookup in the wrapper. <= 6.10: the first helper's walk
  // (swiotlb_bounce() when copying back, else swiotlb_del_transient()).
  const first = poolOfBounce(d, dev, tlb, 'unmap', once);
  mem.counters.unmaps++;
  if (copy) swiotlbBounce(mem, first, dev, tlb, size, DMA_FROM_DEVICE);
  const p = once || !copy ? first : poolOfBounce(d, dev, tlb, 'unmap', false); // swiotlb_del_transient()
  if (p.transient) {
    swiotlbDelTransient(d, devIoTlb(d, dev), p, at);
    return;
  }
  releaseInPool(mem, once ? p : poolOfBounce(d, dev, tlb, 'unmap', false), dev, tlb); // swiotlb_release_slots()
}

/**
 * swiotlb_sync_single_for_cpu() / _for_device() of a dynamic kernel.
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param tlb - Address inside a live bounce buffer.
 * @param size - Bytes.
 * @param dir - Direction; DMA_NONE is the kernel's BUG.
 * @param forCpu - true: copy back (FROM_DEVICE, BIDIRECTIONAL); false: copy out (TO_DEVICE, BIDIRECTIONAL).
 * @throws ContractError (`bad_direction`, `unmap_not_swiotlb`).
 * @remarks Context: any; no locks.
 */
export function swiotlbDynSync(d: DynIoTlbMem, dev: Device, tlb: number, size: number, dir: DmaDirection, forCpu: boolean): void {
  const mem = d.mem;
  const once = poolPassedDown(mem.profile);
  const pool = once ? poolOfBounce(d, dev, tlb, 'sync', true) : null;
  const copyDir = forCpu ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
  const skipDir = forCpu ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
  if (dir !== copyDir && dir !== DMA_BIDIRECTIONAL && dir !== skipDir) {
    throw new ContractError('bad_direction', `Cannot sync for ${forCpu ? 'cpu' : 'device'} with direction ${dir}: the kernel would BUG`);
  }
  mem.counters.syncs++;
  if (dir === skipDir) return;
  swiotlbBounce(mem, pool ?? poolOfBounce(d, dev, tlb, 'sync', false), dev, tlb, size, copyDir);
}
