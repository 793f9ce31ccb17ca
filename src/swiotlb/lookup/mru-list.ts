/**
 * `mru-list`: the unmerged 2023 v2 series (spec §6.2). Each device keeps its
 * dynamic bounce buffers (`io_tlb_dyn_slot`) on a doubly linked list
 * (`dma_io_tlb_dyn_slots`), most recently used first, guarded by a per-device
 * spinlock (`dma_io_tlb_dyn_lock`). Every hit of a find moves the entry to the
 * head, even a pure is_swiotlb_buffer() check, because the same buffer is
 * looked up again soon (sync, then unmap). The unmap's search (remove) does
 * not move before unlinking.
 *
 * The per-device flag `dma_io_tlb_have_dyn` (patch 7/7) is set when the first
 * buffer is added and never cleared; a device whose flag is clear answers
 * "no" without the lock or a walk. The model runs one call at a time, so the
 * invariant argued over in review ("if a driver holds a bounce address, the
 * lookup sees its buffer") holds by construction; the flag's cost is what is
 * modelled.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { ContractError } from '../../util/errors.js';
import { DeviceIndex } from './device-index.js';
import { newLookupCounters, type BufferLookup, type LookupCounters } from './lookup-types.js';
import { NIL, NodeStore } from './node-store.js';

/** Per-device MRU lists in typed arrays (a = next, b = prev). */
export class MruListLookup<T> implements BufferLookup<T> {
  readonly kind = 'mru-list' as const;
  readonly counters: LookupCounters = newLookupCounters();
  readonly #s = new NodeStore<T>();
  readonly #devs = new DeviceIndex();

  /** {@inheritDoc BufferLookup.size} */
  get size(): number {
    return this.#s.live;
  }

  /**
   * Whether the device ever had a dynamic buffer (`dma_io_tlb_have_dyn`).
   *
   * @param dev - Device.
   * @returns The flag.
   * @remarks Context: any (an acquire read in the kernel).
   */
  haveDyn(dev: Device): boolean {
    const d = this.#devs.slotOf(dev);
    return d >= 0 && this.#devs.flag[d] === 1;
  }

  /**
   * {@inheritDoc BufferLookup.insert}: list_add() at the head, then set have_dyn.
   * @remarks Context: any; takes the device's dyn lock.
   */
  insert(dev: Device | null, start: number, end: number, payload: T): void {
    if (dev === null) throw new ContractError('lookup_no_owner', 'Cannot insert into an MRU list without a device: the lists are per device');
    const d = this.#devs.ensure(dev);
    const s = this.#s;
    const n = s.alloc(start, end, d, payload);
    this.counters.lockAcquisitions++;
    this.counters.inserts++;
    const head = this.#devs.head[d]!;
    s.a[n] = head;
    if (head !== NIL) s.b[head] = n;
    this.#devs.head[d] = n;
    this.#devs.flag[d] = 1; // smp_store_release() in the kernel
  }

  /**
   * {@inheritDoc BufferLookup.remove}: walk without moving, then list_del().
   * @remarks Context: any; takes the device's dyn lock unless have_dyn is clear.
   */
  remove(dev: Device, addr: number): T | null {
    const n = this.#walk(dev, addr);
    if (n === NIL) return null;
    this.#unlink(this.#s.owner[n]!, n);
    this.counters.removes++;
    return this.#s.release(n);
  }

  /**
   * {@inheritDoc BufferLookup.find}: walk, and move a hit to the head.
   * @remarks Context: any; takes the device's dyn lock unless have_dyn is clear. Hot path: no allocation.
   */
  find(dev: Device, addr: number): T | null {
    const n = this.#walk(dev, addr);
    if (n === NIL) return null;
    const d = this.#s.owner[n]!;
    if (this.#devs.head[d] !== n) {
      this.#unlink(d, n);
      const s = this.#s;
      const head = this.#devs.head[d]!;
      s.a[n] = head;
      s.b[n] = NIL;
      if (head !== NIL) s.b[head] = n;
      this.#devs.head[d] = n;
      this.counters.moves++;
    }
    return this.#s.payload[n] as T;
  }

  /** One lookup: the flag, then the lock and the walk. */
  #walk(dev: Device, addr: number): number {
    const c = this.counters;
    c.lookups++;
    const d = this.#devs.slotOf(dev);
    if (d < 0 || this.#devs.flag[d] === 0) {
      c.skipped++;
      return NIL;
    }
    c.lockAcquisitions++;
    const s = this.#s;
    for (let n = this.#devs.head[d]!; n !== NIL; n = s.a[n]!) {
      c.nodesVisited++;
      if (addr >= s.start[n]! && addr < s.end[n]!) return n;
    }
    return NIL;
  }

  #unlink(d: number, n: number): void {
    const s = this.#s;
    const next = s.a[n]!;
    const prev = s.b[n]!;
    if (prev !== NIL) s.a[prev] = next;
    else this.#devs.head[d] = next;
    if (next !== NIL) s.b[next] = prev;
  }
}
