/**
 * The mru-list policy's cost meter: the boot pool's allocator counters plus
 * the dynamic path's counters and both lookup strategies, read in place.
 *
 * @module
 */
import type { Machine } from '../../../machine/machine.js';
import type { CostMeter } from '../../policy.js';
import type { IoTlbMem } from '../../io-tlb-mem.js';
import type { BufferLookup } from '../../lookup/index.js';
import type { DynCounters } from './dyn-counters.js';

/** Live view of every count the lab prices for mru-list. */
export class MruListMeter implements CostMeter {
  readonly #pool: IoTlbMem['counters'];
  readonly #dyn: DynCounters;
  readonly #lookups: readonly BufferLookup<number>[];
  readonly #enc: Machine['encryption'];

  /**
   * @param pool - The boot pool's allocator.
   * @param dyn - Dynamic-path counters.
   * @param lookups - The fixed-range and dynamic-buffer lookup strategies.
   * @param machine - The machine (encryption counters).
   */
  constructor(pool: IoTlbMem, dyn: DynCounters, lookups: readonly BufferLookup<number>[], machine: Machine) {
    this.#pool = pool.counters;
    this.#dyn = dyn;
    this.#lookups = lookups;
    this.#enc = machine.encryption;
  }
  get bytesCopied(): number {
    return this.#pool.bytesBouncedToDevice + this.#pool.bytesBouncedFromDevice + this.#dyn.bytesToDevice + this.#dyn.bytesFromDevice;
  }
  get copies(): number {
    return this.#pool.bounceCopies + this.#dyn.maps + this.#dyn.syncs + this.#dyn.unmaps;
  }
  get searchSteps(): number {
    return this.#pool.searchSteps;
  }
  get lockAcquisitions(): number {
    let n = this.#pool.areaLockAcquisitions;
    for (const l of this.#lookups) n += l.counters.lockAcquisitions;
    return n;
  }
  get nodesVisited(): number {
    let n = 0;
    for (const l of this.#lookups) n += l.counters.nodesVisited;
    return n;
  }
  get pageAllocs(): number {
    return this.#dyn.pageAllocs;
  }
  get pagesAllocated(): number {
    return this.#dyn.pagesAllocated;
  }
  get cmaAllocs(): number {
    return this.#dyn.cmaBuffers;
  }
  get pageFrees(): number {
    return this.#dyn.pageFrees;
  }
  get kmallocs(): number {
    return this.#dyn.kmallocs + this.#dyn.kfrees;
  }
  get hypercalls(): number {
    return this.#enc.setSharedCalls + this.#enc.setPrivateCalls;
  }
  get hypercallPages(): number {
    return this.#enc.pagesSharedTotal + this.#enc.pagesPrivateTotal;
  }
}
