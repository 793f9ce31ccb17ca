/**
 * Entry storage shared by the lookup strategies: one typed array per field
 * (start, end, owner, two links, an auxiliary int), a free list threaded
 * through link `a`, and capacity doubling, so inserting and removing entries
 * allocates nothing once the store has grown to the working-set size.
 *
 * Lists use `a` = next and `b` = prev; the tree uses `a` = left, `b` = right
 * and `aux` = height.
 *
 * @module
 */
import { ContractError } from '../../util/errors.js';

/** No node (a null link). */
export const NIL = -1;
/** Owner of an allocator-wide entry. */
export const ANY_OWNER = -1;

/** Struct-of-arrays node storage. Fields are public for the strategies' hot loops. */
export class NodeStore<T> {
  start: Float64Array;
  end: Float64Array;
  /** Device slot (DeviceIndex) owning the entry, or ANY_OWNER. */
  owner: Int32Array;
  a: Int32Array;
  b: Int32Array;
  aux: Int32Array;
  readonly payload: (T | undefined)[] = [];
  /** Nodes in use. */
  live = 0;
  #free = NIL;
  #used = 0;

  /**
   * Create a store.
   *
   * @param capacity - Initial node capacity (grows by doubling).
   * @remarks Context: any.
   */
  constructor(capacity = 64) {
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
    this.owner = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.aux = new Int32Array(capacity);
  }

  /**
   * Take a node and fill it (links NIL, aux 0).
   *
   * @param start - First address.
   * @param end - Exclusive end.
   * @param owner - Device slot or ANY_OWNER.
   * @param payload - Payload.
   * @returns The node index.
   * @throws ContractError (`lookup_bad_range`) when end <= start or a bound is not a safe integer.
   * @remarks Context: caller holds the strategy's lock. No allocation unless the store grows.
   */
  alloc(start: number, end: number, owner: number, payload: T): number {
    if (!(end > start) || !Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
      throw new ContractError('lookup_bad_range', `Cannot insert range [${start}, ${end}): expected integers with end > start`);
    }
    let n = this.#free;
    if (n !== NIL) this.#free = this.a[n]!;
    else {
      if (this.#used === this.start.length) this.#grow();
      n = this.#used++;
    }
    this.start[n] = start;
    this.end[n] = end;
    this.owner[n] = owner;
    this.a[n] = NIL;
    this.b[n] = NIL;
    this.aux[n] = 0;
    this.payload[n] = payload;
    this.live++;
    return n;
  }

  /**
   * Give a node back.
   *
   * @param n - Node index (unlinked by the caller).
   * @returns Its payload.
   * @remarks Context: caller holds the strategy's lock. No allocation.
   */
  release(n: number): T {
    const p = this.payload[n] as T;
    this.payload[n] = undefined;
    this.a[n] = this.#free;
    this.#free = n;
    this.live--;
    return p;
  }

  #grow(): void {
    const cap = this.start.length * 2;
    const f64 = (old: Float64Array): Float64Array => {
      const x = new Float64Array(cap);
      x.set(old);
      return x;
    };
    const i32 = (old: Int32Array): Int32Array => {
      const x = new Int32Array(cap);
      x.set(old);
      return x;
    };
    this.start = f64(this.start);
    this.end = f64(this.end);
    this.owner = i32(this.owner);
    this.a = i32(this.a);
    this.b = i32(this.b);
    this.aux = i32(this.aux);
  }
}
