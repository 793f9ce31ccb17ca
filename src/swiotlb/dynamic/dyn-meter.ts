/**
 * The cost meters of the pool-based designs: live views over the counters the
 * allocators already keep (no copy, no allocation per read), so the lab can
 * price each call by reading the meter before and after it.
 *
 * @module
 */
import type { Machine } from '../../machine/machine.js';
import type { IoTlbMem } from '../io-tlb-mem.js';
import type { CostMeter } from '../policy.js';
import type { DynIoTlbMem } from './dyn-mem.js';

/**
 * The meter of a dynamic allocator: copies, search steps and area locks from
 * the core counters; pool lookups, list locks, page and descriptor
 * allocations from the dynamic counters; hypercalls from the machine.
 *
 * @remarks Context: any; reads are unlocked, like the kernel's counters.
 */
export class DynMeter implements CostMeter {
  readonly #d: DynIoTlbMem;

  /**
   * View an allocator's counters.
   *
   * @param d - The dynamic allocator.
   * @remarks Context: process context (boot).
   */
  constructor(d: DynIoTlbMem) {
    this.#d = d;
  }

  get bytesCopied(): number {
    const c = this.#d.mem.counters;
    return c.bytesBouncedToDevice + c.bytesBouncedFromDevice;
  }
  get copies(): number {
    return this.#d.mem.counters.bounceCopies;
  }
  get searchSteps(): number {
    return this.#d.mem.counters.searchSteps;
  }
  get lockAcquisitions(): number {
    const dc = this.#d.counters;
    return this.#d.mem.counters.areaLockAcquisitions + dc.devLockAcquisitions + dc.memLockAcquisitions;
  }
  get nodesVisited(): number {
    return this.#d.counters.nodesVisited;
  }
  get pageAllocs(): number {
    return this.#d.counters.pageAllocs;
  }
  get pagesAllocated(): number {
    return this.#d.counters.pagesAllocated;
  }
  /** Pool memory never comes from CMA (plain alloc_pages()). */
  readonly cmaAllocs = 0;
  get pageFrees(): number {
    return this.#d.counters.pageFrees;
  }
  get kmallocs(): number {
    return this.#d.counters.kmallocs;
  }
  get hypercalls(): number {
    const e = this.#d.machine.encryption;
    return e.setSharedCalls + e.setPrivateCalls;
  }
  get hypercallPages(): number {
    const e = this.#d.machine.encryption;
    return e.pagesSharedTotal + e.pagesPrivateTotal;
  }
}

/**
 * The meter of fixed allocators (one or several, e.g. the low and high pools):
 * each lookup is a range check of one pool, so nodes visited equal lookups.
 *
 * @remarks Context: any; reads are unlocked.
 */
export class FixedPoolsMeter implements CostMeter {
  readonly #mems: readonly IoTlbMem[];
  readonly #machine: Machine;

  /**
   * View the counters of fixed allocators.
   *
   * @param mems - The allocators.
   * @param machine - Their machine (encryption counters).
   * @remarks Context: process context (boot).
   */
  constructor(mems: readonly IoTlbMem[], machine: Machine) {
    this.#mems = mems;
    this.#machine = machine;
  }

  get bytesCopied(): number {
    let n = 0;
    for (let i = 0; i < this.#mems.length; i++) {
      const m = this.#mems[i]!;
      n += m.counters.bytesBouncedToDevice + m.counters.bytesBouncedFromDevice;
    }
    return n;
  }
  get copies(): number {
    let n = 0;
    for (let i = 0; i < this.#mems.length; i++) {
      const m = this.#mems[i]!;
      n += m.counters.bounceCopies;
    }
    return n;
  }
  get searchSteps(): number {
    let n = 0;
    for (let i = 0; i < this.#mems.length; i++) {
      const m = this.#mems[i]!;
      n += m.counters.searchSteps;
    }
    return n;
  }
  get lockAcquisitions(): number {
    let n = 0;
    for (let i = 0; i < this.#mems.length; i++) {
      const m = this.#mems[i]!;
      n += m.counters.areaLockAcquisitions;
    }
    return n;
  }
  get nodesVisited(): number {
    let n = 0;
    for (let i = 0; i < this.#mems.length; i++) {
      const m = this.#mems[i]!;
      n += m.counters.lookups;
    }
    return n;
  }
  readonly pageAllocs = 0;
  readonly pagesAllocated = 0;
  readonly cmaAllocs = 0;
  readonly pageFrees = 0;
  readonly kmallocs = 0;
  get hypercalls(): number {
    return this.#machine.encryption.setSharedCalls + this.#machine.encryption.setPrivateCalls;
  }
  get hypercallPages(): number {
    return this.#machine.encryption.pagesSharedTotal + this.#machine.encryption.pagesPrivateTotal;
  }
}
