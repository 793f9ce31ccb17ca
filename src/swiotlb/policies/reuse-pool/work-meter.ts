/**
 * The work of the `reuse-pool` policy as the lab prices it (CostMeter):
 * counted where it happens, so stats() and the per-call prices read the same
 * numbers.
 *
 * @module
 */
import type { MemoryEncryption } from '../../../machine/encryption.js';
import type { CostMeter } from '../../policy.js';

/** Cumulative work counters; hypercalls are read from the machine. */
export class ReuseMeter implements CostMeter {
  /** Bytes copied between originals and bounce pages. */
  bytesCopied = 0;
  /** Copy calls: one per page touched. */
  copies = 0;
  /** No slot search in this design. */
  readonly searchSteps = 0;
  /** Device lock acquisitions (map, unmap, trim). */
  lockAcquisitions = 0;
  /** Page-table probes of lookups. */
  nodesVisited = 0;
  /** Single-page allocations. */
  pageAllocs = 0;
  pagesAllocated = 0;
  /** Bounce pages never come from CMA (alloc_page()). */
  readonly cmaAllocs = 0;
  pageFrees = 0;
  /** Mapping descriptors (the RFC's hv_bounce_pkt from its kmem cache): one per map. */
  kmallocs = 0;
  readonly #enc: MemoryEncryption;

  /**
   * @param enc - The machine's encryption state (its hypercall counts).
   */
  constructor(enc: MemoryEncryption) {
    this.#enc = enc;
  }

  /** Share and unshare hypercalls of the machine. */
  get hypercalls(): number {
    return this.#enc.setSharedCalls + this.#enc.setPrivateCalls;
  }

  /** Pages passed to them. */
  get hypercallPages(): number {
    return this.#enc.pagesSharedTotal + this.#enc.pagesPrivateTotal;
  }
}
