/**
 * dma_direct_alloc_pages() / dma_direct_free_pages() as the 2023 v2 series
 * used them for a dynamic bounce buffer (the non-coherent DMA-direct
 * allocation): PAGE_ALIGN(size) bytes the device can reach, shared with the
 * host in a confidential VM.
 *
 * - Up to 2^MAX_ORDER pages (4 MiB): one buddy block of get_order(size);
 *   with DMA_ATTR_MAY_SLEEP (GFP_NOIO) CMA is tried first, otherwise
 *   (GFP_NOWAIT) only atomic buddy memory.
 * - Above 4 MiB (an 8 MiB FullHD or 34 MiB 4K frame): alloc_pages() cannot
 *   serve the order, so only a sleepable caller on a machine with a CMA
 *   region gets one contiguous run from CMA; anyone else fails with
 *   `no_memory`, and the map falls back to the fixed pool (which refuses it
 *   as `too_large`).
 *
 * The limit is the coherent one, min_not_zero(coherent_dma_mask,
 * bus_dma_limit), as dma_coherent_ok() checks it. In a confidential VM the
 * buffer is shared with one set_memory_decrypted() hypercall and made private
 * again with one set_memory_encrypted() at free. Not modelled: the coherent
 * atomic pool that a CoCo guest's non-sleeping allocation would use instead
 * (dma_direct_use_pool()), and zeroing the buffer.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { MAX_ORDER_NR_PAGES, PAGE_SIZE } from '../../../machine/constants.js';
import type { DynCounters } from './dyn-counters.js';
import { RUN_ORDER, allocBuddyBlock, allocCmaRun, freeRun, getOrder, type PagesResult } from './page-blocks.js';

/**
 * The highest physical address a coherent allocation for the device may end at.
 *
 * @param dev - Device.
 * @returns dma_to_phys(min_not_zero(coherent_dma_mask, bus_dma_limit)).
 * @remarks Context: any.
 */
export function coherentPhysLimit(dev: Device): number {
  const lim = dev.busDmaLimit === 0 ? dev.coherentDmaMask : Math.min(dev.coherentDmaMask, dev.busDmaLimit);
  return lim - dev.dmaOffset;
}

/**
 * Allocate a dynamic bounce buffer's pages.
 *
 * @param machine - The machine.
 * @param dev - Device that will DMA to it.
 * @param bytes - PAGE_ALIGN(alloc_size).
 * @param maySleep - DMA_ATTR_MAY_SLEEP (GFP_NOIO; CMA allowed) rather than GFP_NOWAIT.
 * @param confidential - Share the buffer with the host.
 * @param c - Counters (page allocs/frees, CMA buffers, failures by cause).
 * @param out - Result; out.failure and out.wantOrder say why on failure.
 * @returns true with out.addr, out.order, out.pages set.
 * @remarks Context: any with maySleep false; process context with maySleep true. No allocation.
 */
export function dmaDirectAllocPages(machine: Machine, dev: Device, bytes: number, maySleep: boolean, confidential: boolean, c: DynCounters, out: PagesResult): boolean {
  const npages = bytes / PAGE_SIZE;
  const limit = coherentPhysLimit(dev);
  out.failure = null;
  out.wantOrder = getOrder(npages);
  let ok: boolean;
  if (npages <= MAX_ORDER_NR_PAGES) ok = allocBuddyBlock(machine.pages, npages, limit, maySleep, c, out);
  else if (maySleep) ok = allocCmaRun(machine.pages, npages, limit, c, out);
  else {
    out.failure = 'no_memory'; // alloc_pages() above MAX_ORDER; CMA needs a sleepable gfp
    ok = false;
  }
  if (!ok) {
    c.allocFailures[out.failure ?? 'no_memory']++;
    return false;
  }
  if (out.cma) c.cmaBuffers++;
  if (out.order === RUN_ORDER) c.cmaRuns++;
  if (confidential) machine.encryption.setShared(out.addr, npages);
  return true;
}

/**
 * Free a dynamic bounce buffer's pages (re-encrypting them first in a confidential VM).
 *
 * @param machine - The machine.
 * @param addr - Buffer address.
 * @param bytes - PAGE_ALIGN(alloc_size), as allocated.
 * @param order - Buddy order, or RUN_ORDER.
 * @param heldPages - Pages held (the run's length for RUN_ORDER).
 * @param confidential - The buffer was shared.
 * @param c - Counters.
 * @remarks Context: any (the kernel's set_memory_encrypted() may sleep; v2 called it from the unmap path regardless).
 */
export function dmaDirectFreePages(machine: Machine, addr: number, bytes: number, order: number, heldPages: number, confidential: boolean, c: DynCounters): void {
  if (confidential) machine.encryption.setPrivate(addr, bytes / PAGE_SIZE);
  if (order === RUN_ORDER) freeRun(machine.pages, addr, heldPages, c);
  else {
    machine.pages.free(addr, order);
    c.pageFrees++;
  }
}
