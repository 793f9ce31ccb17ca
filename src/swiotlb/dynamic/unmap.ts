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
import { releaseInPool } from '../map-single.js';
import type { Device } from '../../machine/device.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../constants.js';
import { swiotlbBounce } from '../bounce.js';
import { ContractError } from '../../util/errors.js';
import { devIoTlb, type DynIoTlbMem } from './dyn-mem.js';
import { poolOfBounce } from './lookup.js';
import { poolPassedDown } from '../profiles.js';
import { swiotlbDelTransient } from './transient.js';


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
