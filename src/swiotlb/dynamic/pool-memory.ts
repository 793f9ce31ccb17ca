/**
 * Where a dynamic pool's bounce memory comes from (swiotlb_alloc_tlb() and
 * alloc_dma_pages(), spec §5.3): a buddy block below phys_limit, retried in a
 * lower zone when it lands too high, shared with the host in a confidential
 * VM; and swiotlb_free_tlb(), which makes it private again and frees it.
 *
 * Modelled as 6.6.3+/6.7+: the limit is checked before the pages are
 * decrypted (6.6.0 - 6.6.2 decrypted first and leaked the shared state of a
 * too-high block; no profile stands for those releases).
 *
 * @module
 */
import type { Machine } from '../../machine/machine.js';
import { getOrder, type ZoneName } from '../../machine/gfp.js';
import { MASK_ALL } from '../../machine/mask.js';
import { MAX_PAGE_ORDER, PAGE_SIZE } from '../constants.js';
import type { DynCounters, ReservedBytes } from './dyn-counters.js';
import type { DmaAtomicPools } from './atomic-pool.js';

/** x86's ARCH_LOW_ADDRESS_LIMIT: the default mem->phys_limit without SWIOTLB_ANY. */
export const ARCH_LOW_ADDRESS_LIMIT = 0xffff_ffff;
/** DMA_BIT_MASK(32): the __GFP_DMA32 threshold of swiotlb_alloc_tlb(). */
const DMA_BIT_MASK_32 = 0xffff_ffff;

/** What pool memory is taken from and counted in. */
export interface PoolMemoryEnv {
  readonly machine: Machine;
  /** A confidential VM: new pool memory is shared with the host (set_memory_decrypted). */
  readonly confidential: boolean;
  readonly counters: DynCounters;
  readonly reserved: ReservedBytes;
  /** The coherent atomic pools a caller that cannot sleep draws from in a confidential VM (null outside one). */
  readonly atomic: DmaAtomicPools | null;
}

/** A buddy block holding a pool's bounce buffer. */
export interface TlbBlock {
  /** Physical address of the block. */
  readonly addr: number;
  /** Buddy order of the block. */
  readonly order: number;
  /** Bytes of the pool (nslabs * IO_TLB_SIZE); the block may be larger. */
  readonly bytes: number;
  /** Taken from the atomic pools: given back there, never made private again. */
  readonly atomic: boolean;
}


/**
 * The zone swiotlb_alloc_tlb() asks for first: __GFP_DMA when phys_limit is
 * inside ZONE_DMA, __GFP_DMA32 when it is below 4 GiB, none otherwise.
 *
 * @param machine - The machine (its ZONE_DMA end).
 * @param physLimit - Highest address the pool may occupy (inclusive).
 * @returns The highest zone to allocate from.
 * @remarks Context: any.
 */
export function tlbZone(machine: Machine, physLimit: number): ZoneName {
  const dmaEnd = machine.map.zoneEnds[0];
  if (dmaEnd > 0 && physLimit <= dmaEnd - 1) return 'dma';
  if (physLimit <= DMA_BIT_MASK_32) return 'dma32';
  return 'normal';
}

/**
 * Allocate a pool buffer of `bytes` below `physLimit` (swiotlb_alloc_tlb()):
 * one buddy block without CMA; a block ending above the limit is freed and
 * the allocation retried with __GFP_DMA32, then __GFP_DMA; in a confidential
 * VM the PFN_UP(bytes) pages are then shared with the host (one hypercall).
 * A caller that cannot sleep in a confidential VM (a transient pool) takes
 * already-shared memory from the coherent atomic pools instead.
 *
 * @param env - Machine, counters.
 * @param bytes - Pool bytes (nslabs * IO_TLB_SIZE).
 * @param physLimit - Highest address the block may reach (inclusive).
 * @param maySleep - GFP_KERNEL (the growth worker) or GFP_NOWAIT (a transient pool).
 * @param now - Simulated time (an atomic-pool allocation may queue the pools' refill work).
 * @returns The block, or null when the page allocator refused.
 * @remarks Context: any; with maySleep, process context only. Takes the zone locks of the page allocator.
 */
export function swiotlbAllocTlb(env: PoolMemoryEnv, bytes: number, physLimit: number, maySleep: boolean, now = 0): TlbBlock | null {
  const c = env.counters;
  const order = getOrder(bytes);
  if (!maySleep && env.confidential) {
    // Sharing may sleep: take memory the atomic pools shared at boot (or fail without them).
    const addr = env.atomic === null ? -1 : env.atomic.alloc(bytes, physLimit, now);
    if (addr < 0) {
      c.atomicPoolFailures++;
      return null;
    }
    c.atomicPoolAllocs++;
    return { addr, order, bytes, atomic: true };
  }
  if (order > MAX_PAGE_ORDER) {
    c.pageAllocFailures++; // alloc_pages() refuses orders above MAX_PAGE_ORDER
    return null;
  }
  const m = env.machine;
  const hasDma = m.map.zoneEnds[0] > 0;
  const hasDma32 = m.map.zoneEnds[1] > m.map.zoneEnds[0];
  let zone = tlbZone(m, physLimit);
  for (;;) {
    const addr = m.pages.alloc({ order, zone, maySleep, cma: false });
    if (addr < 0) {
      c.pageAllocFailures++;
      return null;
    }
    c.pageAllocs++;
    c.pagesAllocated += 2 ** order;
    if (addr + bytes - 1 <= physLimit) {
      if (env.confidential) m.encryption.setShared(addr, Math.ceil(bytes / PAGE_SIZE));
      return { addr, order, bytes, atomic: false };
    }
    // Too high: free before decrypting, then narrow the zone (6.6.3+).
    m.pages.free(addr, order);
    c.pageFrees++;
    c.tooHighRetries++;
    if (hasDma32 && physLimit !== MASK_ALL && zone === 'normal') zone = 'dma32';
    else if (hasDma && zone !== 'dma') zone = 'dma';
    else return null;
  }
}

/**
 * Free a pool buffer (swiotlb_free_tlb()): a block from the atomic pools goes
 * back there; otherwise make its pages private again in a confidential VM
 * (one hypercall) and give the block back.
 *
 * @param env - Machine, counters.
 * @param block - The block swiotlbAllocTlb() returned.
 * @remarks Context: any (the kernel runs it from an RCU callback). Takes the zone locks of the page allocator.
 */
export function swiotlbFreeTlb(env: PoolMemoryEnv, block: TlbBlock): void {
  if (block.atomic && env.atomic !== null && env.atomic.free(block.addr, block.bytes)) return;
  const m = env.machine;
  if (env.confidential) m.encryption.setPrivate(block.addr, Math.ceil(block.bytes / PAGE_SIZE));
  m.pages.free(block.addr, block.order);
  env.counters.pageFrees++;
}
