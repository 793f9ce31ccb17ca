/**
 * The dynamic half of the v2 series (spec §6.2): swiotlb_dyn_map(),
 * swiotlb_dyn_bounce() and swiotlb_dyn_unmap(). A mapping of at least a page
 * with no alignment constraint gets its own buffer from
 * dma_direct_alloc_pages(), described by an `io_tlb_dyn_slot` and put at the
 * head of the device's list; every copy looks the buffer up through the
 * lookup strategy (the MRU list moves it to the head); the unmap finds it
 * without moving, unlinks it and frees pages and descriptor.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { PAGE_SIZE } from '../../../machine/constants.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../../constants.js';
import type { MappingFailure } from '../../failure.js';
import type { BufferLookup } from '../../lookup/lookup-types.js';
import { newDynCounters, type DynCounters } from './dyn-counters.js';
import { IoTlbDynSlots } from './dyn-slots.js';
import { dmaDirectAllocPages, dmaDirectFreePages } from './dma-alloc-pages.js';
import { PagesResult } from './page-blocks.js';
import { ContractError } from '../../../util/errors.js';

/** State of the dynamic path. */
export interface DynState {
  readonly machine: Machine;
  readonly confidential: boolean;
  readonly slots: IoTlbDynSlots;
  /** Where dynamic buffers are looked up (payload: slot index). */
  readonly lookup: BufferLookup<number>;
  readonly counters: DynCounters;
  /** Scratch result of the page allocation (reused). */
  readonly pages: PagesResult;
  /** Bytes of pages held by live dynamic buffers. */
  heldBytes: number;
  /** PAGE_ALIGN(alloc_size) summed over live dynamic buffers. */
  inUseBytes: number;
  /** Why the last dynamic allocation failed (the map then fell back to the pool). */
  lastFailure: MappingFailure | null;
}

/**
 * Create the dynamic path's state.
 *
 * @param machine - The machine.
 * @param confidential - Buffers must be shared with the host.
 * @param lookup - Lookup strategy for the buffers.
 * @returns The state.
 * @remarks Context: boot.
 */
export function createDynState(machine: Machine, confidential: boolean, lookup: BufferLookup<number>): DynState {
  const counters = newDynCounters();
  return { machine, confidential, slots: new IoTlbDynSlots(counters), lookup, counters, pages: new PagesResult(), heldBytes: 0, inUseBytes: 0, lastFailure: null };
}

/**
 * swiotlb_dyn_map(): a dynamic bounce buffer for one mapping, filled from the original.
 *
 * @param st - Dynamic state.
 * @param dev - Device.
 * @param orig - Original buffer.
 * @param size - alloc_size (= mapping size from dma-direct).
 * @param allocAlignMask - alloc_align_mask; any bit refuses the dynamic path.
 * @param maySleep - DMA_ATTR_MAY_SLEEP: GFP_NOIO (CMA allowed), else GFP_NOWAIT.
 * @returns The bounce address (page aligned), or -1: refused (small, aligned) or allocation failed (st.lastFailure).
 * @remarks Context: any with maySleep false; takes the device's list lock for the insert and the copy's lookup.
 */
export function swiotlbDynMap(st: DynState, dev: Device, orig: number, size: number, allocAlignMask: number, maySleep: boolean): number {
  const c = st.counters;
  if (size < PAGE_SIZE) {
    c.refusedSmall++; // allocation has page granularity: avoid small buffers
    return -1;
  }
  if (allocAlignMask !== 0 || dev.minAlignMask !== 0) {
    c.refusedAligned++; // dma-direct's allocator knows no physical address constraints
    return -1;
  }
  const i = st.slots.alloc(dev);
  const bytes = Math.ceil(size / PAGE_SIZE) * PAGE_SIZE;
  const r = st.pages;
  if (!dmaDirectAllocPages(st.machine, dev, bytes, maySleep, st.confidential, c, r)) {
    st.slots.free(i);
    st.lastFailure = { code: 'no_memory', size: bytes, order: r.wantOrder };
    return -1;
  }
  const s = st.slots;
  s.origAddr[i] = orig;
  s.allocSize[i] = size;
  s.page[i] = r.addr;
  s.heldPages[i] = r.pages;
  s.order[i] = r.order;
  s.cma[i] = r.cma ? 1 : 0;
  st.lookup.insert(dev, r.addr, r.addr + size, i);
  st.heldBytes += r.pages * PAGE_SIZE;
  st.inUseBytes += bytes;
  c.maps++;
  swiotlbDynBounce(st, dev, r.addr, size, DMA_TO_DEVICE); // the map copies whatever the direction
  return r.addr;
}

/**
 * swiotlb_dyn_bounce(): copy between a dynamic buffer and its original (the lookup moves the buffer to the list head).
 *
 * @param st - Dynamic state.
 * @param dev - Device.
 * @param tlb - Address inside the buffer.
 * @param size - Bytes; truncated (and counted) past alloc_size.
 * @param dir - DMA_TO_DEVICE copies original to buffer; anything else copies back.
 * @returns false when the device has no dynamic buffer containing tlb.
 * @remarks Context: any; takes the device's list lock for the lookup. No allocation.
 */
export function swiotlbDynBounce(st: DynState, dev: Device, tlb: number, size: number, dir: DmaDirection): boolean {
  const i = st.lookup.find(dev, tlb);
  if (i === null) return false;
  const s = st.slots;
  const off = tlb - s.page[i]!;
  const rem = s.allocSize[i]! - off;
  let n = size;
  if (n > rem) {
    st.counters.truncatedSyncs++;
    n = Math.max(0, rem);
  }
  const orig = s.origAddr[i]! + off;
  if (dir === DMA_TO_DEVICE) {
    st.counters.bytesToDevice += n;
    if (n > 0) st.machine.memory.copy(tlb, orig, n);
  } else {
    st.counters.bytesFromDevice += n;
    if (n > 0) st.machine.memory.copy(orig, tlb, n);
  }
  return true;
}

/**
 * swiotlb_dyn_unmap() with the copy-back of swiotlb_tbl_unmap_single().
 *
 * @param st - Dynamic state.
 * @param dev - Device.
 * @param tlb - Bounce address.
 * @param size - Mapping size.
 * @param dir - Direction (FROM_DEVICE and BIDIRECTIONAL copy back unless SKIP_CPU_SYNC).
 * @param attrs - Attributes.
 * @returns false when the device has no dynamic buffer containing tlb (nothing changed).
 * @remarks Context: any; takes the device's list lock (twice with a copy-back).
 */
export function swiotlbDynUnmap(st: DynState, dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number): boolean {
  if ((attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0 && (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL)) {
    if (!swiotlbDynBounce(st, dev, tlb, size, DMA_FROM_DEVICE)) return false;
  }
  const i = st.lookup.remove(dev, tlb);
  if (i === null) return false;
  const s = st.slots;
  const bytes = Math.ceil(s.allocSize[i]! / PAGE_SIZE) * PAGE_SIZE;
  dmaDirectFreePages(st.machine, s.page[i]!, bytes, s.order[i]!, s.heldPages[i]!, st.confidential, st.counters);
  st.heldBytes -= s.heldPages[i]! * PAGE_SIZE;
  st.inUseBytes -= bytes;
  st.counters.unmaps++;
  s.free(i);
  return true;
}

/**
 * swiotlb_sync_single_for_cpu() / _for_device() on a dynamic buffer: copy back
 * (for the CPU: FROM_DEVICE, BIDIRECTIONAL) or to the device (TO_DEVICE,
 * BIDIRECTIONAL); the other direction is the kernel's silent no-op, with no lookup.
 *
 * @param st - Dynamic state.
 * @param dev - Device.
 * @param tlb - Address inside the buffer.
 * @param size - Bytes.
 * @param dir - Direction.
 * @param forCpu - sync_single_for_cpu (true) or _for_device (false).
 * @returns false when a copy was due and the device has no dynamic buffer containing tlb.
 * @throws ContractError (`bad_direction`) for DMA_NONE (the kernel's BUG).
 * @remarks Context: any; a copy takes the device's list lock for its lookup.
 */
export function swiotlbDynSync(st: DynState, dev: Device, tlb: number, size: number, dir: DmaDirection, forCpu: boolean): boolean {
  const copyDir = forCpu ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
  if (dir !== copyDir && dir !== DMA_BIDIRECTIONAL && dir !== (forCpu ? DMA_TO_DEVICE : DMA_FROM_DEVICE)) {
    throw new ContractError('bad_direction', `Cannot sync for ${forCpu ? 'cpu' : 'device'} with direction ${dir}: the kernel would BUG`);
  }
  st.counters.syncs++;
  return dir === copyDir || dir === DMA_BIDIRECTIONAL ? swiotlbDynBounce(st, dev, tlb, size, copyDir) : true;
}

/**
 * The error for an address that is neither in the pool nor a dynamic buffer of the device.
 *
 * @param what - Operation (`unmap`, `sync`).
 * @param dev - Device.
 * @param tlb - Address.
 * @returns The error (code `unmap_not_swiotlb`, as the pool's own check).
 * @remarks Context: any.
 */
export function notSwiotlb(what: string, dev: Device, tlb: number): ContractError {
  return new ContractError('unmap_not_swiotlb', `Cannot ${what} 0x${tlb.toString(16)} for ${dev.name}: it is neither in the swiotlb pool nor one of the device's dynamic bounce buffers`);
}
