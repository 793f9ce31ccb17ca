/**
 * The cost model: what one unit of each counted operation costs, in
 * nanoseconds. Counts are facts; time is this model. Every parameter has a
 * name, a unit, a default and where that default comes from, and each can be
 * overridden from a config file (`costs: { copyNsPerByte: 0.05 }`), so a
 * reader can redo the arithmetic with their own numbers.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';

/** One parameter of the model. */
export interface CostParam {
  readonly value: number;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
}

/** Every parameter name. */
export type CostName =
  | 'copyNsPerByte'
  | 'copyNsPerCall'
  | 'searchStepNs'
  | 'lockNs'
  | 'nodeVisitNs'
  | 'pageAllocNs'
  | 'pageAllocNsPerPage'
  | 'cmaAllocNs'
  | 'pageFreeNs'
  | 'kmallocNs'
  | 'hypercallNs'
  | 'hypercallNsPerPage'
  | 'mapCallNs'
  | 'unmapCallNs'
  | 'irqNs';

/** The defaults. Order-of-magnitude figures for a current x86-64 server core; override them with your own measurements. */
export const DEFAULT_COSTS: Readonly<Record<CostName, CostParam>> = {
  copyNsPerByte: {
    value: 0.1,
    unit: 'ns/byte',
    description: 'memcpy between the original and the bounce buffer (10 GB/s)',
    source: 'single-core memcpy of cache-cold buffers on DDR4/DDR5 servers is ~8-12 GB/s (STREAM Copy per core); 10 GB/s taken',
  },
  copyNsPerCall: { value: 20, unit: 'ns/copy', description: 'fixed cost of one bounce copy (swiotlb_bounce bookkeeping)', source: 'a few dozen instructions plus a function call; estimate' },
  searchStepNs: {
    value: 1.5,
    unit: 'ns/step',
    description: 'one iteration of the slot search loop (alignment test, list[] read)',
    source: '~5 instructions on cached slot metadata at 3-4 GHz; estimate',
  },
  lockNs: { value: 20, unit: 'ns/acquisition', description: 'uncontended spin_lock_irqsave + unlock pair', source: 'an uncontended atomic RMW plus irq save/restore on x86 is ~15-25 ns; estimate' },
  nodeVisitNs: { value: 4, unit: 'ns/node', description: 'one lookup node visited (list entry, tree node, pool)', source: 'one dependent load that hits L1/L2 plus a compare; estimate' },
  pageAllocNs: { value: 250, unit: 'ns/allocation', description: 'alloc_pages() fast path (per-cpu lists / buddy)', source: 'page allocator fast path is ~100-300 ns in kernel microbenchmarks; estimate' },
  pageAllocNsPerPage: { value: 15, unit: 'ns/page', description: 'per-page work of a multi-page allocation (struct page init, splitting)', source: 'estimate' },
  cmaAllocNs: {
    value: 200_000,
    unit: 'ns/allocation',
    description: 'cma_alloc() of a contiguous range (may migrate movable pages)',
    source: 'CMA allocations take from tens of µs to ms depending on migration; 200 µs taken',
  },
  pageFreeNs: { value: 150, unit: 'ns/free', description: 'free_pages()', source: 'estimate, comparable to the allocation fast path' },
  kmallocNs: { value: 60, unit: 'ns/allocation', description: 'kmalloc()/kfree() of a small descriptor', source: 'SLUB fast path ~20-60 ns; estimate' },
  hypercallNs: {
    value: 5_000,
    unit: 'ns/call',
    description: 'set_memory_decrypted()/encrypted(): one page-state change request to the host in a confidential VM',
    source: 'SEV-SNP/TDX page-state changes exit to the hypervisor (VMGEXIT/TDCALL) and flush TLBs: µs per call; 5 µs taken (the 2023 review called them expensive; no number was given)',
  },
  hypercallNsPerPage: { value: 300, unit: 'ns/page', description: 'per-page work of a share/unshare (PVALIDATE / page acceptance, cache flush)', source: 'estimate' },
  mapCallNs: { value: 60, unit: 'ns/call', description: 'dma_map_page() through dma-direct, excluding the swiotlb work priced separately', source: 'estimate' },
  unmapCallNs: { value: 50, unit: 'ns/call', description: 'dma_unmap_page() through dma-direct, excluding the swiotlb work', source: 'estimate' },
  irqNs: { value: 1_500, unit: 'ns/completion', description: 'interrupt entry/exit and completion handling per I/O', source: 'NVMe completion paths cost ~1-2 µs of CPU per I/O; estimate' },
};

/** Resolved costs: name to value in its unit. */
export type CostModel = Readonly<Record<CostName, number>>;

/**
 * Resolve the model from defaults and overrides.
 *
 * @param overrides - Values by name (from a config file).
 * @returns The model.
 * @throws InputError (code `bad_cost`) for unknown names or values that are not non-negative finite numbers.
 * @remarks Context: any.
 */
export function resolveCosts(overrides: Record<string, unknown> = {}): CostModel {
  const out = {} as Record<CostName, number>;
  for (const k of Object.keys(DEFAULT_COSTS) as CostName[]) out[k] = DEFAULT_COSTS[k].value;
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in DEFAULT_COSTS)) throw new InputError('bad_cost', `Unknown cost '${k}': expected one of ${Object.keys(DEFAULT_COSTS).join(', ')}`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError('bad_cost', `Cost '${k}' must be a non-negative number: current value is ${JSON.stringify(v)}`);
    out[k as CostName] = v;
  }
  return out;
}
