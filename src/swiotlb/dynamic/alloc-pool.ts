/**
 * A whole dynamic pool (swiotlb_alloc_pool() and swiotlb_dyn_free(), spec
 * §5.2): the size capped at SLABS_PER_PAGE << MAX_PAGE_ORDER, the buffer
 * halved on failure down to the caller's minimum, the slot array from the
 * page allocator, then a normal pool initialisation.
 *
 * @module
 */
import { IO_TLB_SEGSIZE, IO_TLB_SIZE, MAX_PAGE_ORDER, PAGE_SIZE, SLABS_PER_PAGE, alignUp } from '../constants.js';
import { createPool, type IoTlbPool } from '../pool.js';
import { limitNareas } from '../sizing-pool.js';
import { swiotlbAllocTlb, swiotlbFreeTlb, type PoolMemoryEnv, type TlbBlock } from './pool-memory.js';
import { getOrder } from '../../machine/gfp.js';

/** sizeof(struct io_tlb_slot) on 64-bit (spec §2.1). */
export const IO_TLB_SLOT_BYTES = 24;
/** Largest dynamic pool: one MAX_PAGE_ORDER block (2048 slots, 4 MiB, with 4 KiB pages). */
export const DYN_POOL_MAX_SLABS = SLABS_PER_PAGE << MAX_PAGE_ORDER;

/** A dynamic pool and the memory it holds. */
export interface DynPool {
  readonly pool: IoTlbPool;
  /** The bounce buffer. */
  readonly tlb: TlbBlock;
  /** The slot array (`pool->slots`), a page block. */
  readonly slotsAddr: number;
  readonly slotsOrder: number;
}

/** Arguments of {@link swiotlbAllocPool}, named as the kernel's. */
export interface AllocPoolRequest {
  /** Smallest acceptable size: halving stops once a failed attempt had nslabs <= minslabs. */
  minslabs: number;
  /** Wanted size in slots. */
  nslabs: number;
  /** Wanted areas (limit_nareas() is applied when the size is capped or halved). */
  nareas: number;
  /** Highest address the buffer may occupy. */
  physLimit: number;
  /** GFP_KERNEL (worker) or GFP_NOWAIT (transient pool). */
  maySleep: boolean;
  transient: boolean;
  /** Pool id within the allocator. */
  id: number;
  /** Initial `list` clamped to the pool end (profile switch). */
  clampList: boolean;
  /** Largest size the caller accepts (the growth cap); sizes above it count as failed attempts. Infinity for none. */
  maxSlabs: number;
  /** Simulated time, for the reserved-bytes integral. */
  at: number;
}

/**
 * Allocate and initialise a dynamic pool (swiotlb_alloc_pool()).
 *
 * @param env - Machine, counters and accounting.
 * @param r - Sizes, limit and flags.
 * @returns The pool with its memory, or null (buffer or slot array refused).
 * @remarks Context: any for a transient pool (atomic); process context for the worker. No swiotlb locks held.
 */
export function swiotlbAllocPool(env: PoolMemoryEnv, r: AllocPoolRequest): DynPool | null {
  let nslabs = r.nslabs;
  let nareas = r.nareas;
  if (nslabs > DYN_POOL_MAX_SLABS) {
    nslabs = DYN_POOL_MAX_SLABS;
    nareas = limitNareas(nareas, nslabs);
  }
  env.counters.kmallocs++; // descriptor and areas in one kzalloc()
  let tlb: TlbBlock | null;
  for (;;) {
    if (nslabs > r.maxSlabs) {
      env.counters.growthCapRefusals++;
      tlb = null;
    } else {
      tlb = swiotlbAllocTlb(env, nslabs * IO_TLB_SIZE, r.physLimit, r.maySleep, r.at);
    }
    if (tlb !== null) break;
    if (nslabs <= r.minslabs) return null;
    nslabs = alignUp(Math.floor(nslabs / 2), IO_TLB_SEGSIZE);
    nareas = limitNareas(nareas, nslabs);
  }
  const slotsOrder = getOrder(IO_TLB_SLOT_BYTES * nslabs);
  const slotsAddr = env.machine.pages.alloc({ order: slotsOrder, zone: 'normal', maySleep: r.maySleep, cma: false });
  if (slotsAddr < 0) {
    env.counters.pageAllocFailures++;
    swiotlbFreeTlb(env, tlb);
    return null;
  }
  env.counters.pageAllocs++;
  env.counters.pagesAllocated += 2 ** slotsOrder;
  const pool = createPool({ start: tlb.addr, nslabs, nareas, transient: r.transient, id: r.id, clampList: r.clampList });
  env.reserved.change(blockBytes(tlb), r.at);
  return { pool, tlb, slotsAddr, slotsOrder };
}

/**
 * Free a dynamic pool (swiotlb_dyn_free()): the slot array, then the buffer
 * (made private again in a confidential VM).
 *
 * @param env - Machine, counters and accounting.
 * @param p - The pool.
 * @param at - Simulated time, for the reserved-bytes integral.
 * @remarks Context: any (an RCU callback in the kernel; the model frees at once).
 */
export function swiotlbDynFree(env: PoolMemoryEnv, p: DynPool, at: number): void {
  env.machine.pages.free(p.slotsAddr, p.slotsOrder);
  env.counters.pageFrees++;
  swiotlbFreeTlb(env, p.tlb);
  env.reserved.change(-blockBytes(p.tlb), at);
}

/**
 * Bytes a pool buffer takes: the whole buddy block from the page allocator,
 * or the pages it holds in an atomic pool.
 *
 * @param tlb - The buffer.
 * @returns PAGE_SIZE << order, or PFN_UP(bytes) pages for an atomic-pool buffer.
 * @remarks Context: any.
 */
export function blockBytes(tlb: TlbBlock): number {
  return tlb.atomic ? Math.ceil(tlb.bytes / PAGE_SIZE) * PAGE_SIZE : PAGE_SIZE * 2 ** tlb.order;
}
