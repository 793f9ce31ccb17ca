/**
 * `range`: the fixed design's check, is_swiotlb_buffer() before 6.6:
 * `mem->start <= paddr < mem->end` for the allocator's pool(s). The bounds
 * never change after boot, so no lock is taken; every device pays the
 * comparison, bouncing or not. With several ranges they are checked in
 * insertion order.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { ContractError } from '../../util/errors.js';
import { newLookupCounters, type BufferLookup, type LookupCounters } from './lookup-types.js';
import { ANY_OWNER, NIL, NodeStore } from './node-store.js';

/** Allocator-wide ranges checked linearly; the owner is ignored. */
export class RangeLookup<T> implements BufferLookup<T> {
  readonly kind = 'range' as const;
  readonly counters: LookupCounters = newLookupCounters();
  readonly #s = new NodeStore<T>(4);
  /** Nodes in check order (insertion order). */
  #order = new Int32Array(4);

  /** {@inheritDoc BufferLookup.size} */
  get size(): number {
    return this.#s.live;
  }

  /**
   * {@inheritDoc BufferLookup.insert}
   * @remarks Context: boot or process context (pool creation); no lock (bounds are published before use).
   */
  insert(_dev: Device | null, start: number, end: number, payload: T): void {
    const n = this.#s.alloc(start, end, ANY_OWNER, payload);
    const k = this.#s.live - 1;
    if (k === this.#order.length) {
      const o = new Int32Array(k * 2);
      o.set(this.#order);
      this.#order = o;
    }
    this.#order[k] = n;
    this.counters.inserts++;
  }

  /**
   * {@inheritDoc BufferLookup.remove}
   * @remarks Context: process context (pool teardown); no lock.
   */
  remove(_dev: Device, addr: number): T | null {
    this.counters.lookups++;
    const k = this.#indexOf(addr);
    if (k === NIL) return null;
    const n = this.#order[k]!;
    this.#order.copyWithin(k, k + 1, this.#s.live);
    this.counters.removes++;
    return this.#s.release(n);
  }

  /**
   * {@inheritDoc BufferLookup.find}
   * @remarks Context: any; no lock. Hot path: no allocation.
   */
  find(_dev: Device, addr: number): T | null {
    this.counters.lookups++;
    const k = this.#indexOf(addr);
    return k === NIL ? null : (this.#s.payload[this.#order[k]!] as T);
  }

  #indexOf(addr: number): number {
    const s = this.#s;
    const live = s.live;
    for (let k = 0; k < live; k++) {
      const n = this.#order[k]!;
      this.counters.nodesVisited++;
      if (addr >= s.start[n]! && addr < s.end[n]!) return k;
    }
    return NIL;
  }
}

/**
 * Build a range lookup holding one pool.
 *
 * @param start - Pool start.
 * @param end - Pool end (exclusive).
 * @param payload - What the pool stands for.
 * @returns The lookup.
 * @throws ContractError (`lookup_bad_range`) for an empty range.
 * @remarks Context: boot.
 */
export function rangeLookupOf<T>(start: number, end: number, payload: T): RangeLookup<T> {
  if (!(end > start)) throw new ContractError('lookup_bad_range', `Cannot build a range lookup for [${start}, ${end}): empty`);
  const r = new RangeLookup<T>();
  r.insert(null, start, end, payload);
  return r;
}
