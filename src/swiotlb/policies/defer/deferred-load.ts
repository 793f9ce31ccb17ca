/**
 * The two phases of a deferred load on the swiotlb core, as FreeBSD splits
 * them: free_bounce_pages() *reserves* space for the head of the waiting
 * list the moment space frees (so no later load can take it), and the busdma
 * thread later *runs the load*, which copies the original in and hands the
 * address to the driver's callback. The loader also keeps the loaded
 * buffers (the pool's own live table knows only direct maps) and the
 * completions not yet taken.
 *
 * Built from the core's map phases (prepareMap, findSlotsInPool, completeMap),
 * so the slot search and the copy are the kernel's own.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { DMA_ATTR_NO_WARN, IO_TLB_MAX_MAPPING, IO_TLB_SIZE } from '../../constants.js';
import type { DeferredQueue } from './deferred-queue.js';
import { FoundSlots, findSlotsInPool } from '../../find-slots.js';
import type { IoTlbMem } from '../../io-tlb-mem.js';
import { swiotlbMaxMappingSize } from '../../limits.js';
import { completeMap, prepareMap } from '../../map-single.js';
import type { IoTlbPool } from '../../pool.js';
import { SearchRequest } from '../../search-request.js';
import type { DeferredCompletion, LiveBuffer, MapRequest } from '../../policy.js';

/**
 * The largest map that can ever complete: the kernel's limit, and no more than
 * an area holds (anything bigger would wait forever, so it fails at once).
 *
 * @param mem - The allocator.
 * @param dev - The device (min_align_mask lowers the limit).
 * @returns Bytes.
 * @remarks Context: any.
 */
export function maxLoadSize(mem: IoTlbMem, dev: Device): number {
  const max = swiotlbMaxMappingSize(dev);
  const pool = mem.pools[0];
  if (pool === undefined) return max;
  return Math.min(max, pool.areaNslabs * IO_TLB_SIZE - (IO_TLB_MAX_MAPPING - max));
}

/** Slots held for a waiting map: where they are and the request fields completeMap needs. */
export interface Reservation {
  pool: IoTlbPool;
  index: number;
  origAddr: number;
  mappingSize: number;
  allocSize: number;
  offset: number;
  inSlot: number;
  nslots: number;
}

const NONE: readonly DeferredCompletion[] = Object.freeze([]);

/** Reserves and loads waiting maps in one allocator; reuses its scratch (no allocation per search). */
export class DeferredLoader {
  readonly #mem: IoTlbMem;
  readonly #req = new SearchRequest();
  readonly #found = new FoundSlots();
  /** Loaded deferred maps by bounce address. */
  readonly #loaded = new Map<number, LiveBuffer>();
  #completed: DeferredCompletion[] = [];

  /**
   * @param mem - The allocator of the pool the waiting maps are for.
   */
  constructor(mem: IoTlbMem) {
    this.#mem = mem;
  }

  /**
   * Search the pools for a waiting map and commit the slots, without copying.
   *
   * @param q - The waiting request.
   * @param cpu - CPU of the original call (first area searched).
   * @returns The reservation, or null when it still does not fit (a 6.1 livelock counts as not fitting).
   * @remarks Context: takes area locks one at a time (as a map does). Warns nothing (NO_WARN).
   */
  reserve(q: MapRequest, cpu: number): Reservation | null {
    const mem = this.#mem;
    const req = this.#req;
    const found = this.#found;
    if (!prepareMap(mem, q.dev, q.orig, q.size, q.size, q.allocAlignMask, q.attrs | DMA_ATTR_NO_WARN, req)) return null;
    found.pool = null;
    found.livelockArea = -1;
    for (const pool of mem.pools) {
      if (pool.transient) continue;
      if (findSlotsInPool(mem, pool, q.dev, cpu, req, found)) {
        return {
          pool,
          index: found.index,
          origAddr: req.origAddr,
          mappingSize: req.mappingSize,
          allocSize: req.allocSize,
          offset: req.offset,
          inSlot: req.inSlot,
          nslots: req.nslots,
        };
      }
      if (found.livelockArea >= 0) break;
    }
    return null;
  }

  /**
   * Run the load of a reserved map: record the original, copy it in, and give the bounce address.
   *
   * @param q - The request (device).
   * @param r - Its reservation.
   * @returns The bounce address.
   * @remarks Context: the busdma thread (process context); no locks (the slots are owned).
   */
  load(q: MapRequest, r: Reservation): number {
    const req = this.#req;
    req.origAddr = r.origAddr;
    req.mappingSize = r.mappingSize;
    req.allocSize = r.allocSize;
    req.offset = r.offset;
    req.inSlot = r.inSlot;
    req.nslots = r.nslots;
    this.#found.pool = r.pool;
    this.#found.index = r.index;
    return completeMap(this.#mem, q.dev, req, this.#found);
  }

  /**
   * Reserve space for waiting maps in FIFO order; stop at the first that does not fit.
   *
   * @param queue - The waiting list.
   * @param now - Simulated time (the busdma thread is woken now; the loads complete at this time).
   * @returns Nothing.
   * @remarks Context: any (free_bounce_pages runs in the unmap's context).
   */
  reserveWaiting(queue: DeferredQueue, now: number): void {
    for (let e = queue.nextToReserve(); e !== undefined; e = queue.nextToReserve()) {
      const slot = this.reserve(e.request, e.cpu);
      if (slot === null) return;
      queue.markReserved(slot, now);
    }
  }

  /**
   * The busdma thread: run the load of every reserved map, oldest first, and record its completion
   * at the time its space was reserved (the thread is woken then).
   *
   * @param queue - The waiting list.
   * @returns Nothing.
   * @remarks Context: process context.
   */
  runReserved(queue: DeferredQueue): void {
    for (let e = queue.takeReserved(); e !== undefined; e = queue.takeReserved()) {
      const q = e.request;
      const tlb = this.load(q, e.slot!);
      this.#loaded.set(tlb, { dev: q.dev, tlb, size: q.size, reserved: Math.ceil((q.size + (tlb % IO_TLB_SIZE)) / IO_TLB_SIZE) * IO_TLB_SIZE });
      this.#completed.push({ ticket: e.ticket, request: q, tlb, at: e.reservedAt });
    }
  }

  /**
   * Forget a loaded buffer that was unmapped (no-op for other addresses).
   *
   * @param tlb - Bounce address.
   * @returns Nothing.
   * @remarks Context: any.
   */
  released(tlb: number): void {
    this.#loaded.delete(tlb);
  }

  /**
   * The loaded deferred maps still live.
   *
   * @returns Their buffers.
   * @remarks Context: any.
   */
  loaded(): IterableIterator<LiveBuffer> {
    return this.#loaded.values();
  }

  /**
   * Completions since the last call, in completion order.
   *
   * @returns The completions (a shared empty array when none).
   * @remarks Context: any.
   */
  take(): readonly DeferredCompletion[] {
    const out = this.#completed;
    if (out.length === 0) return NONE;
    this.#completed = [];
    return out;
  }
}
