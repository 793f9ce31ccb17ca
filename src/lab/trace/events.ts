/**
 * Typed trace events: the oracle's kprobe events (in-lock and fallback
 * mode), `swiotlb:swiotlb_bounced` and trace markers. Field names are the
 * trace's own keys (see the oracle README table) so a line and its object
 * read the same. The `dma:*` events are in dma-events.ts; the union of all
 * of them is TraceEvent in trace-event.ts.
 *
 * Number conventions: addresses are exact numbers below 2^53 and the
 * all-ones 64-bit value (`~0`, DMA_MAPPING_ERROR) is -1; masks >= 2^53 are
 * clamped to MASK_ALL; kernel pointers (`dev`, `mem`) are kept as their
 * `0x...` text because they only identify objects.
 *
 * @module
 */
/** Columns every event line carries. */
export interface TraceEventBase {
  /** 1-based line number in the trace text. */
  readonly line: number;
  /** CPU column: the CPU that wrote the event. */
  readonly cpu: number;
  /** Timestamp column; with the `counter` clock an exact global order. */
  readonly ts: number;
  /** Task name (`<idle>` for interrupts on an idle CPU). */
  readonly task: string;
  /** Task pid (the digits after the last '-' of the task column). */
  readonly pid: number;
}

/** `map_single`: entry of swiotlb_tbl_map_single() with its arguments and device parameters. */
export interface MapSingleEvent extends TraceEventBase {
  readonly kind: 'map_single';
  /** `struct device *` as text. */
  readonly dev: string;
  /** orig_addr: physical address of the original buffer. */
  readonly orig: number;
  /** mapping_size in bytes. */
  readonly msz: number;
  /** alloc_size in bytes. */
  readonly asz: number;
  /** alloc_align_mask. */
  readonly amask: number;
  /** enum dma_data_direction (0..3). */
  readonly dir: number;
  /** DMA attrs bits. */
  readonly attrs: number;
  /** dev_name(dev), null when the probe printed `(fault)`. */
  readonly name: string | null;
  /** dma_parms->min_align_mask. */
  readonly minalign: number;
  /** dma_parms->segment_boundary_mask (0 means ULONG_MAX in the kernel). */
  readonly segbnd: number;
  /** dev->dma_io_tlb_mem as text. */
  readonly mem: string;
}

/** `map_area_full`: one area had no fit (lock held); the state shown is unchanged. */
export interface MapAreaFullEvent extends TraceEventBase {
  readonly kind: 'map_area_full';
  readonly area: number;
  readonly nslots: number;
  readonly aindex: number;
  readonly aused: number;
}

/** `map_found`: slots were taken (lock held); aindex/aused are the area's state after. */
export interface MapFoundEvent extends TraceEventBase {
  readonly kind: 'map_found';
  readonly area: number;
  /** Global index of the first slot. */
  readonly slot: number;
  readonly nslots: number;
  readonly aindex: number;
  readonly aused: number;
}

/** `map_single_ret`: returned tlb_addr, -1 on failure (in-lock epilogue probe or fallback kretprobe). */
export interface MapSingleRetEvent extends TraceEventBase {
  readonly kind: 'map_single_ret';
  readonly ret: number;
}

/** `unmap_single`: entry of swiotlb_tbl_unmap_single(). */
export interface UnmapSingleEvent extends TraceEventBase {
  readonly kind: 'unmap_single';
  readonly dev: string;
  readonly tlb: number;
  readonly msz: number;
  readonly dir: number;
  readonly attrs: number;
  readonly name: string | null;
  readonly minalign: number;
}

/** `unmap_release`: slots were freed (lock held); aindex/aused are the owning area's state after. */
export interface UnmapReleaseEvent extends TraceEventBase {
  readonly kind: 'unmap_release';
  readonly slot: number;
  readonly nslots: number;
  readonly aindex: number;
  readonly aused: number;
}

/** `unmap_single_ret`: return of swiotlb_tbl_unmap_single() (older fallback captures only). */
export interface UnmapSingleRetEvent extends TraceEventBase {
  readonly kind: 'unmap_single_ret';
}

/** `sync_for_cpu` / `sync_for_device`: a bounce copy, no allocator effect. */
export interface SyncSingleEvent extends TraceEventBase {
  readonly kind: 'sync_for_cpu' | 'sync_for_device';
  readonly dev: string;
  readonly tlb: number;
  readonly size: number;
  readonly dir: number;
  readonly name: string | null;
}

/** `pool`: io_tlb_default_mem geometry and every area's used/index (read without the lock). */
export interface PoolEvent extends TraceEventBase {
  readonly kind: 'pool';
  readonly start: number;
  readonly end: number;
  readonly nslabs: number;
  readonly nareas: number;
  readonly areaNslabs: number;
  readonly force: boolean;
  /** `aN_used` for N = 0, 1, ... */
  readonly areaUsed: readonly number[];
  /** `aN_index` for N = 0, 1, ... */
  readonly areaIndex: readonly number[];
}

/** `swiotlb:swiotlb_bounced`: swiotlb_map() is about to bounce (one per map, failed ones too). */
export interface SwiotlbBouncedEvent extends TraceEventBase {
  readonly kind: 'swiotlb_bounced';
  readonly devName: string;
  /** *dev->dma_mask, clamped to MASK_ALL. */
  readonly dmaMask: number;
  /** DMA address of the original buffer. */
  readonly devAddr: number;
  readonly size: number;
  /** `FORCE` (true) or `NORMAL`. */
  readonly force: boolean;
}

/** `tracing_mark_write`: a line written to trace_marker. */
export interface TracingMarkEvent extends TraceEventBase {
  readonly kind: 'tracing_mark_write';
  /** The text after `tracing_mark_write: `. */
  readonly text: string;
}

/** The oracle's kprobe events. */
export type OracleTraceEvent =
  | MapSingleEvent
  | MapAreaFullEvent
  | MapFoundEvent
  | MapSingleRetEvent
  | UnmapSingleEvent
  | UnmapReleaseEvent
  | UnmapSingleRetEvent
  | SyncSingleEvent
  | PoolEvent;
