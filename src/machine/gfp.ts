/**
 * The vocabulary of page allocation requests: which zones a caller accepts
 * (the gfp zone modifiers), why an allocation failed, and the counters the
 * page allocator reports.
 *
 * @module
 */
import type { ZoneId } from './address-map.js';
import type { CmaOptions } from './cma.js';
import { PAGE_SIZE } from './constants.js';

/**
 * The kernel's get_order(): the smallest order whose block holds `bytes`.
 *
 * @param bytes - Size in bytes, >= 1.
 * @returns log2 of the number of pages, rounded up.
 * @remarks Context: any.
 */
export function getOrder(bytes: number): number {
  const pages = Math.ceil(bytes / PAGE_SIZE);
  let order = 0;
  while (2 ** order < pages) order++;
  return order;
}

/** The highest zone a caller accepts: `dma` (__GFP_DMA), `dma32` (__GFP_DMA32) or `normal` (any). */
export type ZoneName = 'dma' | 'dma32' | 'normal';
/** Why an allocation failed: too few free pages, or enough pages but no block of the order. */
export type AllocFailure = 'no_memory' | 'fragmented';

/** One page allocation request (the model's alloc_pages() gfp and order). */
export interface AllocRequest {
  /** Block size as log2 of pages, 0..MAX_ORDER. */
  order: number;
  /** Highest zone allowed; lower zones are the fallback. Default `normal`. */
  zone?: ZoneName;
  /** Whether the caller may sleep; only sleepers may get CMA memory. */
  maySleep: boolean;
  /** Whether a sleeper tries CMA first (dma_alloc_contiguous); default true. false models plain alloc_pages(). */
  cma?: boolean;
}

/** Options of the page allocator. */
export interface PageAllocatorOptions {
  /** A CMA region; default none. */
  cma?: CmaOptions;
}

/** Free pages per zone and in CMA. */
export interface ZonePages {
  dma: number;
  dma32: number;
  normal: number;
  cma: number;
}

/** A JSON-serialisable snapshot of the allocator's counts; arrays are indexed by order. */
export interface PageAllocatorCounters {
  allocations: number[];
  cmaAllocations: number[];
  frees: number[];
  failures: { no_memory: number[]; fragmented: number[] };
  /** Allocations served by a lower zone than the highest allowed zone that has RAM. */
  fallbacks: number;
  pagesFree: ZonePages;
  pagesReserved: number;
  reservations: number;
}

/**
 * Zone index of a zone name.
 *
 * @param zone - `dma`, `dma32`, `normal`, or undefined for `normal`.
 * @returns The ZoneId.
 * @throws RangeError for any other value.
 * @remarks Context: any. Hot path.
 */
export function zoneIndex(zone: ZoneName | undefined): ZoneId {
  switch (zone) {
    case undefined:
    case 'normal':
      return 2;
    case 'dma32':
      return 1;
    case 'dma':
      return 0;
    default:
      throw new RangeError(`Cannot use zone '${String(zone)}': expected dma, dma32 or normal`);
  }
}
