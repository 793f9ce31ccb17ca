/**
 * The page allocations behind a dynamic bounce buffer, as
 * __dma_direct_alloc_pages() makes them: one buddy block of get_order(size)
 * below the device's limit (CMA first for sleepable callers, then the zone
 * that fits the limit, retrying lower zones when the block lands too high),
 * or, above MAX_ORDER, one physically contiguous run from the CMA region.
 *
 * The machine's page allocator has no cma_alloc() of an arbitrary page count,
 * so a run is taken as consecutive CMA blocks (order 10, then the remainder's
 * binary digits, largest first); the buddy allocator hands out the lowest
 * free block first, so on an unfragmented CMA region the blocks are adjacent,
 * and any gap rolls the run back and fails it as cma_alloc() would fail on a
 * region without a long enough free range. Every block taken or given back
 * is a counted page-allocator call.
 *
 * @module
 */
import type { AddressMap } from '../../../machine/address-map.js';
import { MAX_ORDER, PAGE_SIZE } from '../../../machine/constants.js';
import type { ZoneName } from '../../../machine/gfp.js';
import type { PageAllocator } from '../../../machine/page-allocator.js';
import type { DynAllocFailure, DynCounters } from './dyn-counters.js';

/** `order` of a CMA run above MAX_ORDER (not a buddy block). */
export const RUN_ORDER = -1;

/** Outcome of one allocation attempt (one reused instance; no allocation per call). */
export class PagesResult {
  addr = -1;
  /** Buddy order, or RUN_ORDER. */
  order = 0;
  /** Pages held. */
  pages = 0;
  /** The memory came from the CMA region. */
  cma = false;
  failure: DynAllocFailure | null = null;
  /** get_order() of the request, for failure reports. */
  wantOrder = 0;
}

/**
 * get_order() in pages: the smallest order whose block holds npages.
 *
 * @param npages - Pages, >= 1.
 * @returns The order (may exceed MAX_ORDER).
 * @remarks Context: any.
 */
export function getOrder(npages: number): number {
  let k = 0;
  while (2 ** k < npages) k++;
  return k;
}

/**
 * dma_direct_optimal_gfp_mask(): the highest zone that fits a physical limit.
 *
 * @param map - Address map (zone ends).
 * @param physLimit - Highest physical address the device reaches (inclusive).
 * @returns `dma`, `dma32` or `normal`.
 * @remarks Context: any.
 */
export function optimalZone(map: AddressMap, physLimit: number): ZoneName {
  if (physLimit < map.zoneEnds[0]) return 'dma';
  if (physLimit < map.zoneEnds[1]) return 'dma32';
  return 'normal';
}

function inCma(pages: PageAllocator, addr: number): boolean {
  return pages.cmaBase >= 0 && addr >= pages.cmaBase && addr < pages.cmaBase + pages.cmaSize;
}

/**
 * One buddy block of get_order(npages) whose first npages pages end at or below physLimit.
 *
 * @param pages - Page allocator.
 * @param npages - Pages needed (<= 2^MAX_ORDER).
 * @param physLimit - Inclusive physical limit (dma_coherent_ok()).
 * @param maySleep - Sleepable caller: CMA first (dma_alloc_contiguous(), more than one page only).
 * @param c - Counters (page allocs and frees).
 * @param out - Result.
 * @returns true on success (out.addr, out.order, out.pages, out.cma).
 * @remarks Context: any; with maySleep, process context.
 */
export function allocBuddyBlock(pages: PageAllocator, npages: number, physLimit: number, maySleep: boolean, c: DynCounters, out: PagesResult): boolean {
  const order = getOrder(npages);
  let zone = optimalZone(pages.map, physLimit);
  let cma = maySleep && npages > 1;
  for (;;) {
    const addr = pages.alloc({ order, zone, maySleep, cma });
    if (addr < 0) return fail(out, pages.lastFailure ?? 'no_memory');
    c.pageAllocs++;
    c.pagesAllocated += 2 ** order;
    if (addr + npages * PAGE_SIZE - 1 <= physLimit) {
      out.addr = addr;
      out.order = order;
      out.pages = 2 ** order;
      out.cma = inCma(pages, addr);
      return true;
    }
    pages.free(addr, order);
    c.pageFrees++;
    if (cma && inCma(pages, addr)) {
      cma = false; // the CMA block was too high: plain buddy allocation in the same zone
      continue;
    }
    cma = false;
    if (zone === 'normal') zone = 'dma32';
    else if (zone === 'dma32') zone = 'dma';
    else return fail(out, 'unreachable');
  }
}

function fail(out: PagesResult, why: DynAllocFailure): false {
  out.failure = why;
  return false;
}

/** Order of the k-th block of a run of npages (order-10 blocks, then the remainder's bits, largest first); -1 past the end. */
function runBlockOrder(npages: number, k: number): number {
  const full = Math.floor(npages / 2 ** MAX_ORDER);
  if (k < full) return MAX_ORDER;
  let rem = npages - full * 2 ** MAX_ORDER;
  let i = full;
  for (let o = MAX_ORDER - 1; o >= 0; o--) {
    if (rem < 2 ** o) continue;
    if (i === k) return o;
    rem -= 2 ** o;
    i++;
  }
  return -1;
}

/**
 * A physically contiguous run of npages from the CMA region (cma_alloc() as
 * dma_alloc_contiguous() uses it for a sleepable caller), ending at or below physLimit.
 *
 * @param pages - Page allocator.
 * @param npages - Pages (> 2^MAX_ORDER in practice; any count works).
 * @param physLimit - Inclusive physical limit.
 * @param c - Counters.
 * @param out - Result (order RUN_ORDER).
 * @returns true on success.
 * @remarks Context: process context only (may sleep).
 */
export function allocCmaRun(pages: PageAllocator, npages: number, physLimit: number, c: DynCounters, out: PagesResult): boolean {
  if (pages.cmaSize === 0) return fail(out, 'no_memory');
  const zone = optimalZone(pages.map, physLimit);
  let start = -1;
  let taken = 0;
  for (let k = 0, o = runBlockOrder(npages, 0); o >= 0; o = runBlockOrder(npages, ++k)) {
    const addr = pages.alloc({ order: o, zone, maySleep: true, cma: true });
    let why: DynAllocFailure | null = addr < 0 ? (pages.lastFailure ?? 'no_memory') : null;
    if (addr >= 0) {
      c.pageAllocs++;
      c.pagesAllocated += 2 ** o;
      if (!inCma(pages, addr) || (start >= 0 && addr !== start + taken * PAGE_SIZE)) {
        pages.free(addr, o);
        c.pageFrees++;
        why = pages.pagesFree('cma') + taken >= npages ? 'fragmented' : 'no_memory';
      }
    }
    if (why !== null) {
      if (start >= 0) freeRun(pages, start, taken, c);
      return fail(out, why);
    }
    if (start < 0) start = addr;
    taken += 2 ** o;
  }
  if (start + npages * PAGE_SIZE - 1 > physLimit) {
    freeRun(pages, start, taken, c);
    return fail(out, 'unreachable');
  }
  out.addr = start;
  out.order = RUN_ORDER;
  out.pages = npages;
  out.cma = true;
  return true;
}

/**
 * Give back a run (or the first npages of one being built: a prefix of a run is itself a run).
 *
 * @param pages - Page allocator.
 * @param addr - First address.
 * @param npages - Pages.
 * @param c - Counters.
 * @remarks Context: any.
 */
export function freeRun(pages: PageAllocator, addr: number, npages: number, c: DynCounters): void {
  let at = addr;
  for (let k = 0, o = runBlockOrder(npages, 0); o >= 0; o = runBlockOrder(npages, ++k)) {
    pages.free(at, o);
    c.pageFrees++;
    at += 2 ** o * PAGE_SIZE;
  }
}
