/**
 * `per-device-pools`: what 6.6 merged instead (spec §5.2). swiotlb_find_pool()
 * first checks the device's `dma_uses_io_tlb` flag (set by the first
 * successful slot search for the device, never cleared); a clear flag answers
 * "no" at once. Otherwise it walks, under RCU (no lock), the allocator's pool
 * list (`mem->pools`, newest first) and then the device's own transient pools
 * (`dev->dma_io_tlb_pools`, newest first). Nothing moves on a hit. Adding or
 * removing a transient pool takes `dev->dma_io_tlb_lock`; adding a pool to
 * the allocator takes `mem->lock`.
 *
 * insert(null, ...) adds an allocator pool; insert(dev, ...) adds a transient
 * pool of the device and sets its flag; markUsed() sets the flag when the
 * device got slots from an allocator pool.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { DeviceIndex } from './device-index.js';
import { newLookupCounters, type BufferLookup, type LookupCounters } from './lookup-types.js';
import { ANY_OWNER, NIL, NodeStore } from './node-store.js';

/** Allocator pools plus per-device transient pools, walked linearly (a = next, b = prev). */
export class PerDevicePoolsLookup<T> implements BufferLookup<T> {
  readonly kind = 'per-device-pools' as const;
  readonly counters: LookupCounters = newLookupCounters();
  readonly #s = new NodeStore<T>();
  readonly #devs = new DeviceIndex();
  /** Head of `mem->pools`. */
  #pools = NIL;

  /** {@inheritDoc BufferLookup.size} */
  get size(): number {
    return this.#s.live;
  }

  /**
   * Set the device's `dma_uses_io_tlb` (after a successful slot search; smp_mb() in the kernel).
   *
   * @param dev - Device.
   * @remarks Context: any; no lock.
   */
  markUsed(dev: Device): void {
    this.#devs.flag[this.#devs.ensure(dev)] = 1;
  }

  /**
   * Whether the device's `dma_uses_io_tlb` is set.
   *
   * @param dev - Device.
   * @returns The flag.
   * @remarks Context: any (smp_rmb() in the kernel).
   */
  usesIoTlb(dev: Device): boolean {
    const d = this.#devs.slotOf(dev);
    return d >= 0 && this.#devs.flag[d] === 1;
  }

  /**
   * {@inheritDoc BufferLookup.insert}: list_add_rcu() at the head of the allocator's or the device's list.
   * @remarks Context: any; takes mem->lock (null device) or dev->dma_io_tlb_lock.
   */
  insert(dev: Device | null, start: number, end: number, payload: T): void {
    const d = dev === null ? ANY_OWNER : this.#devs.ensure(dev);
    const s = this.#s;
    const n = s.alloc(start, end, d, payload);
    this.counters.lockAcquisitions++;
    this.counters.inserts++;
    const head = d === ANY_OWNER ? this.#pools : this.#devs.head[d]!;
    s.a[n] = head;
    if (head !== NIL) s.b[head] = n;
    if (d === ANY_OWNER) this.#pools = n;
    else {
      this.#devs.head[d] = n;
      this.#devs.flag[d] = 1;
    }
  }

  /**
   * {@inheritDoc BufferLookup.remove}: a transient pool of the device (list_del_rcu()).
   * @remarks Context: any; takes dev->dma_io_tlb_lock when the device has transient pools.
   */
  remove(dev: Device, addr: number): T | null {
    const c = this.counters;
    c.lookups++;
    const d = this.#devs.slotOf(dev);
    if (d < 0 || this.#devs.flag[d] === 0) {
      c.skipped++;
      return null;
    }
    c.lockAcquisitions++;
    const n = this.#walk(this.#devs.head[d]!, addr);
    if (n === NIL) return null;
    const s = this.#s;
    const next = s.a[n]!;
    const prev = s.b[n]!;
    if (prev !== NIL) s.a[prev] = next;
    else this.#devs.head[d] = next;
    if (next !== NIL) s.b[next] = prev;
    c.removes++;
    return s.release(n);
  }

  /**
   * {@inheritDoc BufferLookup.find}: swiotlb_find_pool().
   * @remarks Context: any; RCU read side, no lock. Hot path: no allocation.
   */
  find(dev: Device, addr: number): T | null {
    const c = this.counters;
    c.lookups++;
    const d = this.#devs.slotOf(dev);
    if (d < 0 || this.#devs.flag[d] === 0) {
      c.skipped++;
      return null;
    }
    let n = this.#walk(this.#pools, addr);
    if (n === NIL) n = this.#walk(this.#devs.head[d]!, addr);
    return n === NIL ? null : (this.#s.payload[n] as T);
  }

  #walk(head: number, addr: number): number {
    const s = this.#s;
    const c = this.counters;
    for (let n = head; n !== NIL; n = s.a[n]!) {
      c.nodesVisited++;
      if (addr >= s.start[n]! && addr < s.end[n]!) return n;
    }
    return NIL;
  }
}
