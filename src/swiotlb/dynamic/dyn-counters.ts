/**
 * What the dynamic swiotlb (CONFIG_SWIOTLB_DYNAMIC, spec §5) counts on top of
 * the allocator's own counters: page-allocator traffic for pools, transient
 * pools made and freed, growth-worker runs, pool lookups and the nodes they
 * walk, plus the exact integral of the bytes set aside for bouncing.
 *
 * @module
 */

/** Exact counts of the dynamic machinery; every field is a fact of the run. */
export interface DynCounters {
  /** Page-allocator blocks obtained for pool buffers and slot arrays (too-high blocks included). */
  pageAllocs: number;
  /** Pages those blocks covered (2^order each). */
  pagesAllocated: number;
  /** Pool descriptors allocated (the kzalloc() of swiotlb_alloc_pool(), one per call). */
  kmallocs: number;
  /** Blocks given back (too-high retries, failed pools, freed transient pools). */
  pageFrees: number;
  /** alloc_pages() calls that returned nothing. */
  pageAllocFailures: number;
  /** Pool buffers taken from the coherent atomic pools (confidential VM, caller cannot sleep). */
  atomicPoolAllocs: number;
  /** Atomic-pool requests no pool could serve ("DMA pool exhausted"). */
  atomicPoolFailures: number;
  /** Blocks that ended above phys_limit and were freed before use (6.6.3+ retry in a lower zone). */
  tooHighRetries: number;
  /** Transient pools that served a mapping. */
  transientCreated: number;
  /** Transient pools freed at unmap. */
  transientFreed: number;
  /** Transient pools the page allocator refused. */
  transientAllocFailures: number;
  /** Transient pools allocated, then freed at once because their own search failed (alignment, > 128 slots). */
  transientUseless: number;
  /** schedule_work(&mem->dyn_alloc) calls (including no-ops while the work is pending). */
  growthScheduled: number;
  /** Times the worker ran. */
  growthRuns: number;
  /** Pools the worker added. */
  growthPoolsAdded: number;
  /** Worker runs that added nothing ("Failed to allocate new pool"). */
  growthFailures: number;
  /** Pool sizes skipped because they would cross the growth cap. */
  growthCapRefusals: number;
  /** Pool lookups (is_swiotlb_buffer / swiotlb_find_pool). */
  lookups: number;
  /** List nodes (pools) examined by those lookups. */
  nodesVisited: number;
  /** dev->dma_io_tlb_lock acquisitions (transient list insert/delete). */
  devLockAcquisitions: number;
  /** mem->lock acquisitions (add_mem_pool). */
  memLockAcquisitions: number;
}

/**
 * A zeroed counter set.
 *
 * @returns New counters.
 * @remarks Context: any.
 */
export function newDynCounters(): DynCounters {
  return {
    pageAllocs: 0,
    pagesAllocated: 0,
    kmallocs: 0,
    pageFrees: 0,
    pageAllocFailures: 0,
    atomicPoolAllocs: 0,
    atomicPoolFailures: 0,
    tooHighRetries: 0,
    transientCreated: 0,
    transientFreed: 0,
    transientAllocFailures: 0,
    transientUseless: 0,
    growthScheduled: 0,
    growthRuns: 0,
    growthPoolsAdded: 0,
    growthFailures: 0,
    growthCapRefusals: 0,
    lookups: 0,
    nodesVisited: 0,
    devLockAcquisitions: 0,
    memLockAcquisitions: 0,
  };
}

/**
 * Bytes set aside for bouncing over simulated time: the current value, its
 * peak, and the integral (byte-nanoseconds) of every step change.
 *
 * @remarks Context: any; updated by whoever adds or frees a pool.
 */
export class ReservedBytes {
  /** Bytes reserved now. */
  current: number;
  /** Highest value seen. */
  peak: number;
  #integral = 0;
  #last = 0;

  /**
   * Start at time 0 with the boot reservation.
   *
   * @param initial - Bytes reserved at boot.
   * @remarks Context: process context (boot).
   */
  constructor(initial: number) {
    this.current = initial;
    this.peak = initial;
  }

  /**
   * Add (or with a negative delta, remove) bytes at a moment of simulated time.
   * A moment earlier than the last change counts as the last change (time never runs backwards).
   *
   * @param delta - Bytes added (negative: freed).
   * @param at - Simulated time in nanoseconds.
   * @remarks Context: any; the caller holds whatever lock guards the pool it adds or frees.
   */
  change(delta: number, at: number): void {
    const t = Math.max(at, this.#last);
    this.#integral += this.current * (t - this.#last);
    this.#last = t;
    this.current += delta;
    if (this.current > this.peak) this.peak = this.current;
  }

  /**
   * The integral of reserved bytes from time 0 to `now`.
   *
   * @param now - Simulated time in nanoseconds.
   * @returns Byte-nanoseconds.
   * @remarks Context: any.
   */
  integralTo(now: number): number {
    const t = Math.max(now, this.#last);
    return this.#integral + this.current * (t - this.#last);
  }
}
