/**
 * A memory pool (`struct io_tlb_pool`; in 6.1 the pool part of `io_tlb_mem`):
 * physically contiguous bounce memory cut into 2 KiB slots, split into areas
 * that each have their own lock, `used` count and next-fit `index`.
 *
 * Slots are a struct of typed arrays (one array per kernel field).
 *
 * @module
 */
import { IO_TLB_SEGSIZE, IO_TLB_SIZE, INVALID_PHYS_ADDR } from './constants.js';
import { SegmentSummary } from './seg-summary.js';
import { freeRunAt, markSlots } from './slot-bits.js';
import { InputError } from '../util/errors.js';

/** One pool of slots. Field names follow the kernel. */
export interface IoTlbPool {
  /** Physical start address (multiple of IO_TLB_SIZE). */
  readonly start: number;
  /** Exclusive physical end: start + nslabs * IO_TLB_SIZE. */
  readonly end: number;
  readonly nslabs: number;
  readonly nareas: number;
  readonly areaNslabs: number;
  /** log2(areaNslabs) when it is a power of two (the usual case), else -1: areaOf() then divides. */
  readonly areaShift: number;
  /** A one-mapping transient pool of the dynamic designs. */
  readonly transient: boolean;
  /** Pool number within its allocator (0 = the boot pool). */
  readonly id: number;
  /**
   * Occupancy bitmap (bit i set: slot i held, or past the end of a clamped pool).
   * The kernel's `list[i]` is derived from it: see slot-bits.ts and listAt().
   */
  readonly bits: Int32Array;
  /** Original address whose data this slot holds, or INVALID_PHYS_ADDR (-1). */
  readonly origAddr: Float64Array;
  /** Bytes of the allocation from this slot's data start; may be 0 or negative (the kernel's size_t wraps). */
  readonly allocSize: Float64Array;
  /** Padding slots before this slot (V69+; only in the first data slot). */
  readonly padSlots: Uint16Array;
  /** 1 on the first slot (padding included) of every live allocation: lets the model refuse bad releases. */
  readonly head: Uint8Array;
  /** Per-area slots in use (`area->used`). */
  readonly areaUsed: Int32Array;
  /** Per-area next search start, in-area index (`area->index`). */
  readonly areaIndex: Int32Array;
  /** Per-area lock acquisitions (a count, for the cost model). */
  readonly areaLocks: Float64Array;
  /** Free-run summary per segment, used by the fast search. */
  readonly segs: SegmentSummary;
}

/** Options of {@link createPool}. */
export interface PoolOptions {
  start: number;
  nslabs: number;
  nareas: number;
  transient?: boolean;
  id?: number;
  /** Clamp initial `list` values to the pool end (6.6.3+); otherwise a short last segment advertises runs past the end as V61 does. */
  clampList?: boolean;
}

/**
 * Create and initialise a pool (swiotlb_init_io_tlb_pool): every slot free,
 * every area at index 0 with used 0.
 *
 * @param o - Geometry of the pool.
 * @returns The pool.
 * @throws InputError (code `bad_pool`) for an unaligned start, a non-positive
 *   size, or an area count that does not divide the pool.
 * @remarks Context: process context (allocates the slot arrays).
 */
export function createPool(o: PoolOptions): IoTlbPool {
  const bad = (msg: string): never => {
    throw new InputError('bad_pool', `Cannot create swiotlb pool: ${msg}`);
  };
  if (!Number.isInteger(o.start) || o.start < 0 || o.start % IO_TLB_SIZE !== 0) bad(`start ${o.start} is not a multiple of ${IO_TLB_SIZE}`);
  if (!Number.isInteger(o.nslabs) || o.nslabs <= 0) bad(`nslabs must be a positive integer: current value is ${o.nslabs}`);
  if (!Number.isInteger(o.nareas) || o.nareas <= 0 || o.nslabs % o.nareas !== 0) {
    bad(`nareas ${o.nareas} must be a positive divisor of nslabs ${o.nslabs}`);
  }
  if (o.nslabs > 0x7fffffff) bad(`nslabs ${o.nslabs} is too large`);
  const nslabs = o.nslabs;
  const nseg = Math.ceil(nslabs / IO_TLB_SEGSIZE);
  const cap = nseg * IO_TLB_SEGSIZE;
  const bits = new Int32Array(cap >> 5);
  // A clamped pool (6.6.3+) never advertises slots past its end: mark them held.
  // V61 leaves them free, so a short last segment advertises a full run.
  const clamp = o.clampList ?? true;
  if (clamp && cap > nslabs) markSlots(bits, nslabs, cap - nslabs, true);
  const segs = new SegmentSummary(nseg);
  for (let s = 0; s < nseg; s++) segs.set(s, freeRunAt(bits, s * IO_TLB_SEGSIZE), true);
  const pool: IoTlbPool = {
    start: o.start,
    end: o.start + nslabs * IO_TLB_SIZE,
    nslabs,
    nareas: o.nareas,
    areaNslabs: nslabs / o.nareas,
    areaShift: Number.isInteger(Math.log2(nslabs / o.nareas)) ? Math.log2(nslabs / o.nareas) : -1,
    transient: o.transient ?? false,
    id: o.id ?? 0,
    bits,
    origAddr: new Float64Array(cap).fill(INVALID_PHYS_ADDR),
    allocSize: new Float64Array(cap),
    padSlots: new Uint16Array(cap),
    head: new Uint8Array(cap),
    areaUsed: new Int32Array(o.nareas),
    areaIndex: new Int32Array(o.nareas),
    areaLocks: new Float64Array(o.nareas),
    segs,
  };
  return pool;
}

/**
 * The area owning a slot.
 *
 * @param pool - The pool.
 * @param index - Global slot index (>= 0).
 * @returns The area number.
 * @remarks Context: any. Hot path: a shift, not a division, for power-of-two areas.
 */
export function areaOf(pool: IoTlbPool, index: number): number {
  const shift = pool.areaShift;
  return shift >= 0 ? index >> shift : (index / pool.areaNslabs) | 0;
}

/**
 * Slots in use in a pool: the sum of its areas' `used` (what 6.1's mem_used() reads).
 *
 * @param pool - The pool.
 * @returns Slots in use.
 * @remarks Context: any; unlocked, like the kernel's read.
 */
export function poolUsed(pool: IoTlbPool): number {
  let used = 0;
  for (let a = 0; a < pool.nareas; a++) used += pool.areaUsed[a]!;
  return used;
}

/**
 * Physical address of a slot (the kernel's slot_addr()).
 *
 * @param pool - The pool.
 * @param index - Global slot index.
 * @returns pool.start + index * IO_TLB_SIZE.
 * @remarks Context: any.
 */
export function slotAddr(pool: IoTlbPool, index: number): number {
  return pool.start + index * IO_TLB_SIZE;
}

/**
 * The kernel's `list[i]` for slot i: free slots from i to the next held slot
 * or the end of i's segment (0 when i is held).
 *
 * @param pool - The pool.
 * @param i - Slot index.
 * @returns The value the kernel's list holds there.
 * @remarks Context: any.
 */
export function listAt(pool: IoTlbPool, i: number): number {
  return freeRunAt(pool.bits, i);
}

/**
 * The kernel's `list` over a range of slots, for tests, reports and diagnostics.
 *
 * @param pool - The pool.
 * @param from - First slot.
 * @param to - One past the last slot.
 * @returns The list values.
 * @remarks Context: any.
 */
export function listRange(pool: IoTlbPool, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(freeRunAt(pool.bits, i));
  return out;
}
