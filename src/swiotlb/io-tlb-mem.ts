/**
 * The allocator (`struct io_tlb_mem`): its pools, flags and the exact counters
 * every run reports.
 *
 * @module
 */
import type { KernelProfile } from './profiles.js';
import { createPool, poolUsed, type IoTlbPool } from './pool.js';
import { SearchRequest } from './search-request.js';
import { AreaSearchResult } from './search-scan.js';
import type { MappingFailure } from './failure.js';

/** Called for every area the search tries (replay compares these with the kernel's in-lock probes). */
export interface SearchObserver {
  /**
   * @param pool - Pool searched.
   * @param area - Area tried.
   * @param index - Global slot found, or -1 when the area had no room.
   * @param nslots - Slots requested.
   */
  areaTried(pool: IoTlbPool, area: number, index: number, nslots: number): void;
}

/** Exact, deterministic counts of what the allocator did. */
export interface SwiotlbCounters {
  maps: number;
  mapFailures: number;
  unmaps: number;
  syncs: number;
  allocs: number;
  frees: number;
  bytesBouncedToDevice: number;
  bytesBouncedFromDevice: number;
  bounceCopies: number;
  areaLockAcquisitions: number;
  areaQuickRejects: number;
  searchSteps: number;
  livelocks: number;
  /** Allocations that ran past the pool end (6.1 pools not a multiple of 128 slots): kernel memory corruption. */
  poolOverruns: number;
  lookups: number;
  warnings: number;
}

/** Sink for memory copies; the machine's physical memory satisfies it. */
export interface BounceMemory {
  copy(dst: number, src: number, len: number): void;
}

/** The allocator state. */
export interface IoTlbMem {
  readonly profile: KernelProfile;
  /** Pools searched, in search order (boot pool first in the fixed design). */
  readonly pools: IoTlbPool[];
  /** Slots in all non-transient pools (`mem->nslabs`). */
  nslabs: number;
  /** Bounce every mapping (`swiotlb=force`, CoCo guests, restricted pools). */
  forceBounce: boolean;
  /** Serves dma_alloc_*() (restricted DMA pools). */
  forAlloc: boolean;
  /** Atomic total_used (6.4+ with DEBUG_FS): slots in use including transient pools. */
  totalUsed: number;
  /** Peak of totalUsed (`io_tlb_used_hiwater`), or of the area sum where the profile has no counter. */
  usedHiwater: number;
  /** Slots held by transient pools (6.9+ debugfs). */
  transientNslabs: number;
  /** Search implementation: `fast` (default; exact) or `scan` (the slot-by-slot reference). */
  searchImpl: 'fast' | 'scan';
  /** Optional per-area observer (replay). */
  observer: SearchObserver | null;
  /** Memory the bounce copies go through; null copies nothing (counts only). */
  memory: BounceMemory | null;
  readonly counters: SwiotlbCounters;
  /** Kernel log lines produced (warnings, buffer full), capped; see warningCounts for totals. */
  readonly log: string[];
  /** How many times each once-only warning fired (the kernel prints the first only). */
  readonly warningCounts: Map<string, number>;
  /** Failure of the last map or alloc that failed. */
  lastFailure: MappingFailure | null;
  /** Reused scratch (no allocation on the hot path). */
  readonly req: SearchRequest;
  readonly areaResult: AreaSearchResult;
}

/** Options of {@link createIoTlbMem}. */
export interface IoTlbMemOptions {
  profile: KernelProfile;
  start: number;
  nslabs: number;
  nareas: number;
  forceBounce?: boolean;
  forAlloc?: boolean;
  memory?: BounceMemory | null;
  searchImpl?: 'fast' | 'scan';
}

/**
 * Create an allocator with one boot pool.
 *
 * @param o - Profile, pool geometry and flags.
 * @returns The allocator.
 * @remarks Context: process context.
 */
export function createIoTlbMem(o: IoTlbMemOptions): IoTlbMem {
  // nslabs 0: an allocator whose boot allocation failed (6.6+ keeps force_bounce, so every map fails).
  const pools = o.nslabs === 0 ? [] : [createPool({ start: o.start, nslabs: o.nslabs, nareas: o.nareas, clampList: o.profile.listClampedToPoolEnd })];
  return {
    profile: o.profile,
    pools,
    nslabs: o.nslabs,
    forceBounce: o.forceBounce ?? false,
    forAlloc: o.forAlloc ?? false,
    totalUsed: 0,
    usedHiwater: 0,
    transientNslabs: 0,
    searchImpl: o.searchImpl ?? 'fast',
    observer: null,
    memory: o.memory ?? null,
    counters: newCounters(),
    log: [],
    warningCounts: new Map(),
    lastFailure: null,
    req: new SearchRequest(),
    areaResult: new AreaSearchResult(),
  };
}

/**
 * A zeroed counter set.
 *
 * @returns New counters.
 * @remarks Context: any.
 */
export function newCounters(): SwiotlbCounters {
  return {
    maps: 0,
    mapFailures: 0,
    unmaps: 0,
    syncs: 0,
    allocs: 0,
    frees: 0,
    bytesBouncedToDevice: 0,
    bytesBouncedFromDevice: 0,
    bounceCopies: 0,
    areaLockAcquisitions: 0,
    areaQuickRejects: 0,
    searchSteps: 0,
    livelocks: 0,
    poolOverruns: 0,
    lookups: 0,
    warnings: 0,
  };
}

/**
 * Slots in use as the kernel's mem_used() reports them: the atomic total
 * (6.4+) or the unlocked sum of area counters over non-transient pools (6.1).
 *
 * @param mem - The allocator.
 * @returns Slots in use.
 * @remarks Context: any.
 */
export function memUsed(mem: IoTlbMem): number {
  if (mem.profile.debugfsTotalUsed) return mem.totalUsed;
  let used = 0;
  for (const p of mem.pools) if (!p.transient) used += poolUsed(p);
  return used;
}

/**
 * The pool that contains a physical address, counting one lookup.
 *
 * @param mem - The allocator.
 * @param paddr - Physical address.
 * @returns The pool, or null when the address is not a bounce buffer of this allocator.
 * @remarks Context: any.
 */
export function findPool(mem: IoTlbMem, paddr: number): IoTlbPool | null {
  mem.counters.lookups++;
  return poolContaining(mem, paddr);
}

/**
 * The pool holding a physical address, found without counting a lookup: the
 * kernel already knows it (the device's single allocator before 6.6, the
 * default pool of a non-dynamic 6.6 - 6.10 kernel, or the pool a 6.11+
 * wrapper looked up and passed down).
 *
 * @param mem - The allocator.
 * @param paddr - Physical address.
 * @returns The pool, or null.
 * @remarks Context: any.
 */
export function poolContaining(mem: IoTlbMem, paddr: number): IoTlbPool | null {
  const pools = mem.pools;
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i]!;
    if (paddr >= p.start && paddr < p.end) return p;
  }
  return null;
}

const LOG_CAP = 1000;

/**
 * Record a kernel log line; once-only warnings are printed the first time only.
 *
 * @param mem - The allocator.
 * @param key - Identity of the warning for WARN_ONCE (null for rate-limited lines that always count).
 * @param line - The text as the kernel prints it.
 * @remarks Context: any.
 */
export function logWarning(mem: IoTlbMem, key: string | null, line: string): void {
  mem.counters.warnings++;
  if (key !== null) {
    const n = mem.warningCounts.get(key) ?? 0;
    mem.warningCounts.set(key, n + 1);
    if (n > 0) return;
  }
  if (mem.log.length < LOG_CAP) mem.log.push(line);
}
