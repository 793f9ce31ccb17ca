/**
 * Exact counts of the dynamic half of the `mru-list` policy (the v2 series'
 * per-buffer allocations), kept apart from the fixed pool's counters so a
 * report can say what each half did.
 *
 * @module
 */

/** Why a dynamic buffer could not be allocated (the map then falls back to the pool). */
export type DynAllocFailure =
  /** Too few free pages (or an order above MAX_ORDER without a sleepable CMA path). */
  | 'no_memory'
  /** Enough free pages, but no block (or CMA run) of the size. */
  | 'fragmented'
  /** Memory was found, but only above what the device can reach (after every zone retry). */
  | 'unreachable';

/** Counts of the dynamic path; all monotonic. */
export interface DynCounters {
  /** Maps served by a dynamic buffer. */
  maps: number;
  unmaps: number;
  /** Syncs of dynamic buffers. */
  syncs: number;
  /** Maps the dynamic path refused before allocating: smaller than a page. */
  refusedSmall: number;
  /** Maps the dynamic path refused before allocating: alloc_align_mask or min_align_mask set. */
  refusedAligned: number;
  /** Dynamic allocations that failed, by cause; each fell back to the pool. */
  allocFailures: Record<DynAllocFailure, number>;
  /** `io_tlb_dyn_slot` descriptors allocated (kmalloc) and freed (kfree). */
  kmallocs: number;
  kfrees: number;
  /** Page-allocator calls: blocks allocated and freed (retries and rollbacks included). */
  pageAllocs: number;
  /** Pages those allocations covered. */
  pagesAllocated: number;
  pageFrees: number;
  /** Dynamic buffers that came from the CMA region. */
  cmaBuffers: number;
  /** Contiguous runs above MAX_ORDER (only through CMA). */
  cmaRuns: number;
  bytesToDevice: number;
  bytesFromDevice: number;
  /** Over-long syncs truncated to the buffer (the kernel warns). */
  truncatedSyncs: number;
}

/**
 * A zeroed counter set.
 *
 * @returns New counters.
 * @remarks Context: any.
 */
export function newDynCounters(): DynCounters {
  return {
    maps: 0,
    unmaps: 0,
    syncs: 0,
    refusedSmall: 0,
    refusedAligned: 0,
    allocFailures: { no_memory: 0, fragmented: 0, unreachable: 0 },
    kmallocs: 0,
    kfrees: 0,
    pageAllocs: 0,
    pagesAllocated: 0,
    pageFrees: 0,
    cmaBuffers: 0,
    cmaRuns: 0,
    bytesToDevice: 0,
    bytesFromDevice: 0,
    truncatedSyncs: 0,
  };
}
