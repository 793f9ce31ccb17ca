/**
 * The default pool's allocation at boot (swiotlb_init_remap(), spec §1.3-1.4,
 * §1.6): limit_nareas(), the shrink-and-retry loop in its two historical
 * shapes, area_nslabs and swiotlb_max_segment().
 *
 * Memory is not modelled here: the caller says which allocations succeed.
 *
 * @module
 */
import { IO_TLB_MIN_SLABS, IO_TLB_SEGSIZE, PAGE_SIZE } from './constants.js';
import { swiotlbLog } from './sizing-defaults.js';
import type { SwiotlbDefaults } from './sizing-defaults.js';
import { alignU64, slabsToBytes, toU32, u64Text } from './sizing-math.js';

/** Version switches and memory predicates of the boot allocation. */
export interface BootAllocOptions {
  /** limit_nareas() exists (6.1.40+, 6.6+). @defaultValue true */
  limitNareas?: boolean;
  /**
   * A memblock failure halves and retries, with the swiotlb_memblock_alloc()
   * messages and the final `adjusted %lu -> %lu slabs` (6.1.40+, 6.6+); false:
   * 6.1.0-6.1.39, where a memblock failure gives up. @defaultValue true
   */
  halvingOnMemblockFailure?: boolean;
  /** Whether memblock can allocate this many bytes (page aligned). @defaultValue always true */
  canAllocate?: (bytes: number) => boolean;
  /** Whether the optional remap callback (Xen) succeeds; omitted means no callback. */
  canRemap?: (bytes: number, nslabs: number) => boolean;
}

/** One try of the loop. */
export interface BootAllocAttempt {
  nslabs: number;
  /** PAGE_ALIGN(nslabs << IO_TLB_SHIFT). */
  bytes: number;
  allocated: boolean;
  /** Result of the remap callback, or null when there is none or memblock failed. */
  remapped: boolean | null;
}

/** Outcome of the boot allocation. */
export interface BootAllocResult {
  ok: boolean;
  /** Slots of the pool (of the last attempt when !ok). */
  nslabs: number;
  /** Areas the pool is initialised with. */
  nareas: number;
  attempts: BootAllocAttempt[];
}

/**
 * limit_nareas(): at most nslots / 128 areas, so that no area is smaller than a
 * segment. The product is `unsigned int` and wraps for 2^25 areas or more.
 *
 * @param nareas - Desired number of areas (`unsigned int`).
 * @param nslots - Slots of the pool.
 * @returns The area count to use.
 * @remarks Context: any.
 */
export function limitNareas(nareas: number, nslots: number): number {
  if (nslots < toU32(nareas * IO_TLB_SEGSIZE)) return toU32(Math.floor(nslots / IO_TLB_SEGSIZE));
  return nareas;
}

/**
 * Slots per area of a pool (`nslabs / nareas`, integer division).
 *
 * @param nslabs - Slots of the pool.
 * @param nareas - Areas of the pool; 0 makes the kernel trap (divide error).
 * @returns floor(nslabs / nareas), or 0 when nareas is 0.
 * @remarks Context: any.
 */
export function areaNslabs(nslabs: number, nareas: number): number {
  return nareas === 0 ? 0 : Math.floor(nslabs / nareas);
}

/**
 * swiotlb_max_segment() (V61 only): pool bytes rounded down to PAGE_SIZE, 0
 * without a pool. The kernel returns `unsigned int`, so 4 GiB and more wrap.
 *
 * @param poolNslabs - Slots of the default pool, 0 if none.
 * @returns The largest segment in bytes, mod 2^32.
 * @remarks Context: any.
 */
export function swiotlbMaxSegment(poolNslabs: number): number {
  const bytes = slabsToBytes(poolNslabs);
  return toU32(bytes - (bytes % PAGE_SIZE));
}

function tryOnce(nslabs: number, o: BootAllocOptions): BootAllocAttempt {
  const bytes = alignU64(slabsToBytes(nslabs), PAGE_SIZE);
  const allocated = o.canAllocate === undefined || o.canAllocate(bytes);
  const remapped = allocated && o.canRemap !== undefined ? o.canRemap(bytes, nslabs) : null;
  return { nslabs, bytes, allocated, remapped };
}

/**
 * Allocate the default pool as swiotlb_init_remap() does after the area count
 * is fixed, shrinking by `ALIGN(nslabs / 2, 128)` on failure (never below 512
 * slots). On success with a reduced size (6.1.40+/6.6+) default_nslabs is updated.
 *
 * @param state - Defaults with default_nareas already set; log and size may change.
 * @param options - Version switches and memory predicates.
 * @returns Whether a pool was obtained, its slots and areas, and every attempt.
 * @remarks Context: boot, single-threaded.
 */
export function allocateBootPool(state: SwiotlbDefaults, options: BootAllocOptions = {}): BootAllocResult {
  const limit = options.limitNareas !== false;
  const attempts: BootAllocAttempt[] = [];
  let nslabs = state.defaultNslabs;
  let nareas = limit ? limitNareas(state.defaultNareas, nslabs) : state.defaultNareas;
  if (options.halvingOnMemblockFailure === false) {
    // 6.1.0-6.1.39: memblock failure gives up; remap failure halves while >= 512.
    for (;;) {
      const a = tryOnce(nslabs, options);
      attempts.push(a);
      if (!a.allocated) {
        swiotlbLog(state, 'swiotlb_init_remap: failed to allocate tlb structure');
        return { ok: false, nslabs, nareas, attempts };
      }
      if (a.remapped !== false) break;
      nslabs = alignU64(Math.floor(nslabs / 2), IO_TLB_SEGSIZE);
      if (nslabs < IO_TLB_MIN_SLABS) {
        swiotlbLog(state, `swiotlb_init_remap: Failed to remap ${u64Text(a.bytes)} bytes`);
        return { ok: false, nslabs: a.nslabs, nareas, attempts };
      }
    }
    return { ok: true, nslabs, nareas: limit ? limitNareas(state.defaultNareas, nslabs) : nareas, attempts };
  }
  for (;;) {
    const a = tryOnce(nslabs, options);
    attempts.push(a);
    if (!a.allocated) swiotlbLog(state, `swiotlb_memblock_alloc: Failed to allocate ${u64Text(a.bytes)} bytes tlb structure`);
    else if (a.remapped === false) swiotlbLog(state, `swiotlb_memblock_alloc: Failed to remap ${u64Text(a.bytes)} bytes`);
    else break;
    if (nslabs <= IO_TLB_MIN_SLABS) return { ok: false, nslabs, nareas, attempts };
    nslabs = alignU64(Math.floor(nslabs / 2), IO_TLB_SEGSIZE);
    if (limit) nareas = limitNareas(nareas, nslabs);
  }
  if (state.defaultNslabs !== nslabs) {
    swiotlbLog(state, `SWIOTLB bounce buffer size adjusted ${u64Text(state.defaultNslabs)} -> ${u64Text(nslabs)} slabs`);
    state.defaultNslabs = nslabs;
  }
  return { ok: true, nslabs, nareas, attempts };
}
