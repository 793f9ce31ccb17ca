/**
 * The coherent atomic DMA pools of a confidential VM (kernel/dma/pool.c).
 *
 * Memory handed to a device in a confidential VM must be shared with the
 * host, and sharing (set_memory_decrypted) may sleep, so callers that cannot
 * sleep take already-shared memory from these pools instead. A transient
 * swiotlb pool is such a caller (it is allocated with GFP_NOWAIT): in a
 * confidential VM its buffer comes from here, costs no hypercall of its own,
 * and goes back here when the pool is freed.
 *
 * Three pools (ZONE_DMA, ZONE_DMA32, the rest) are filled at boot with
 * `atomic_pool_size` bytes each (the `coherent_pool=` parameter, else 128 KiB
 * per GiB of RAM, at least 128 KiB, at most one MAX_PAGE_ORDER block). Each is
 * a gen_pool: page-granular, newest chunk first, first fit aligned to the
 * allocation's power-of-two size. An allocation that leaves a pool with less
 * than `atomic_pool_size` free schedules the one background work item, which
 * grows every such pool by its current size (one block of at most
 * MAX_PAGE_ORDER, smaller orders when that fails), sharing the new block with
 * one hypercall. The pools never shrink.
 *
 * @module
 */
import type { Machine } from '../../machine/machine.js';
import { getOrder, type ZoneName } from '../../machine/gfp.js';
import { MAX_PAGE_ORDER, PAGE_SIZE } from '../constants.js';

const SZ_128K = 128 * 1024;
const SZ_1G = 1024 ** 3;

/** One block added to a gen_pool: its pages and which are taken. */
interface Chunk {
  readonly start: number;
  readonly pages: number;
  /** 1 per allocated page. */
  readonly used: Uint8Array;
  avail: number;
}

/** What the atomic pools did (cumulative). */
export interface AtomicPoolCounters {
  /** Allocations served. */
  allocs: number;
  /** Allocations no pool could serve ("DMA pool exhausted"). */
  failures: number;
  /** Frees back into a pool. */
  frees: number;
  /** Blocks added by the background work (each shared with one hypercall). */
  expansions: number;
  /** Times the work item was queued while idle. */
  workScheduled: number;
}

/** One gen_pool of shared memory for one zone. */
class AtomicPool {
  readonly zone: ZoneName;
  /** Newest chunk first, as gen_pool_add() links them. */
  readonly chunks: Chunk[] = [];

  constructor(zone: ZoneName) {
    this.zone = zone;
  }

  /** gen_pool_size(): bytes in every chunk. */
  size(): number {
    let n = 0;
    for (const c of this.chunks) n += c.pages;
    return n * PAGE_SIZE;
  }

  /** gen_pool_avail(): free bytes. */
  avail(): number {
    let n = 0;
    for (const c of this.chunks) n += c.avail;
    return n * PAGE_SIZE;
  }

  /** First fit, the start aligned to the request's pages rounded up to a power of two; -1 when nothing fits. */
  alloc(bytes: number): number {
    const nr = Math.ceil(bytes / PAGE_SIZE);
    let align = 1;
    while (align < nr) align *= 2;
    for (const c of this.chunks) {
      if (nr > c.avail) continue;
      for (let s = 0; s + nr <= c.pages; s += align) {
        let k = 0;
        while (k < nr && c.used[s + k] === 0) k++;
        if (k < nr) continue;
        c.used.fill(1, s, s + nr);
        c.avail -= nr;
        return c.start + s * PAGE_SIZE;
      }
    }
    return -1;
  }

  /** The chunk holding [addr, addr + bytes), or undefined. */
  chunkOf(addr: number, bytes: number): Chunk | undefined {
    return this.chunks.find((c) => addr >= c.start && addr + bytes <= c.start + c.pages * PAGE_SIZE);
  }

  free(c: Chunk, addr: number, bytes: number): void {
    const s = (addr - c.start) / PAGE_SIZE;
    const nr = Math.ceil(bytes / PAGE_SIZE);
    c.used.fill(0, s, s + nr);
    c.avail += nr;
  }
}

/**
 * The default size of each atomic pool: 128 KiB per GiB of RAM, at least
 * 128 KiB, at most one MAX_PAGE_ORDER block.
 *
 * @param ramBytes - RAM of the machine.
 * @returns Bytes.
 * @remarks Context: any.
 */
export function defaultAtomicPoolSize(ramBytes: number): number {
  const pages = Math.min(Math.floor(ramBytes / PAGE_SIZE / (SZ_1G / SZ_128K)), 2 ** MAX_PAGE_ORDER);
  return Math.max(pages * PAGE_SIZE, SZ_128K);
}

/** The three atomic pools of a confidential VM and their background work. */
export class DmaAtomicPools {
  /** `atomic_pool_size`: each pool's boot size and low-water mark. */
  readonly poolSize: number;
  readonly counters: AtomicPoolCounters = { allocs: 0, failures: 0, frees: 0, expansions: 0, workScheduled: 0 };
  /** Simulated time the queued work runs, or Infinity when none is queued. */
  workDue = Infinity;
  readonly #machine: Machine;
  readonly #latencyNs: number;
  /** By kind; null where the zone has no RAM. */
  readonly #kernel: AtomicPool | null;
  readonly #dma: AtomicPool | null;
  readonly #dma32: AtomicPool | null;
  /** dma_guess_pool()'s order for a request without zone flags: normal, then DMA32, then DMA (those that exist). */
  readonly #guessOrder: readonly AtomicPool[];

  /**
   * Fill the pools at boot (dma_atomic_pool_init()): normal, then DMA, then DMA32.
   *
   * @param machine - The machine (page allocator, encryption).
   * @param poolSize - `atomic_pool_size` in bytes (default from RAM).
   * @param latencyNs - Delay between queuing the work and its run.
   * @remarks Context: boot (process context).
   */
  constructor(machine: Machine, poolSize = defaultAtomicPoolSize(machine.map.ramBytes), latencyNs = 1_000_000) {
    this.#machine = machine;
    this.poolSize = poolSize;
    this.#latencyNs = latencyNs;
    const m = machine.map;
    const make = (zone: ZoneName, id: 0 | 1 | 2): AtomicPool | null => {
      if (m.zoneRamBytes(id) === 0) return null;
      const p = new AtomicPool(zone);
      return this.#expand(p, poolSize) ? p : null;
    };
    this.#kernel = make('normal', 2);
    this.#dma = make('dma', 0);
    this.#dma32 = make('dma32', 1);
    this.#guessOrder = [this.#kernel, this.#dma32, this.#dma].filter((p): p is AtomicPool => p !== null);
  }

  /** atomic_pool_expand(): one block of min(order of size, MAX_PAGE_ORDER), smaller on failure, shared, added first. */
  #expand(pool: AtomicPool, size: number): boolean {
    const m = this.#machine;
    for (let order = Math.min(getOrder(size), MAX_PAGE_ORDER); order >= 0; order--) {
      const addr = m.pages.alloc({ order, zone: pool.zone, maySleep: true, cma: false });
      if (addr < 0) continue;
      const pages = 2 ** order;
      m.encryption.setShared(addr, pages);
      pool.chunks.unshift({ start: addr, pages, used: new Uint8Array(pages), avail: pages });
      return true;
    }
    return false;
  }


  /**
   * dma_alloc_from_pool() without zone flags: the first pool that has room
   * at an address the device can reach.
   *
   * @param bytes - Bytes wanted.
   * @param physLimit - Highest address the device reaches.
   * @param now - Simulated time (the work item is queued from it).
   * @returns The address, or -1 ("DMA pool exhausted").
   * @remarks Context: any, atomic (no sleeping).
   */
  alloc(bytes: number, physLimit: number, now: number): number {
    for (const p of this.#guessOrder) {
      const addr = p.alloc(bytes);
      if (addr < 0) continue;
      if (addr + bytes - 1 > physLimit) {
        p.free(p.chunkOf(addr, bytes)!, addr, bytes);
        continue;
      }
      if (p.avail() < this.poolSize && this.workDue === Infinity) {
        this.workDue = now + this.#latencyNs;
        this.counters.workScheduled++;
      }
      this.counters.allocs++;
      return addr;
    }
    this.counters.failures++;
    return -1;
  }

  /**
   * dma_free_from_pool(): give a range back to the pool that holds it.
   *
   * @param addr - Start.
   * @param bytes - Length as allocated.
   * @returns false when no pool holds the range (the caller frees it as pages).
   * @remarks Context: any.
   */
  free(addr: number, bytes: number): boolean {
    for (const p of this.#guessOrder) {
      const c = p.chunkOf(addr, bytes);
      if (c === undefined) continue;
      p.free(c, addr, bytes);
      this.counters.frees++;
      return true;
    }
    return false;
  }

  /**
   * Run the work item if it is due (atomic_pool_work_fn): grow every pool
   * below the low-water mark by its current size, DMA first.
   *
   * @param now - Simulated time.
   * @returns When the work is next due (Infinity when idle).
   * @remarks Context: process context (the work item).
   */
  runDue(now: number): number {
    if (this.workDue > now) return this.workDue;
    this.workDue = Infinity;
    for (const p of [this.#dma, this.#dma32, this.#kernel]) {
      if (p !== null && p.avail() < this.poolSize && this.#expand(p, p.size())) this.counters.expansions++;
    }
    return Infinity;
  }

  /**
   * Bytes each pool holds (debugfs dma_pools/pool_size_*).
   *
   * @returns Sizes by zone (0 for a zone without a pool).
   * @remarks Context: any.
   */
  sizes(): { dma: number; dma32: number; kernel: number } {
    return { dma: this.#dma?.size() ?? 0, dma32: this.#dma32?.size() ?? 0, kernel: this.#kernel?.size() ?? 0 };
  }
}
