/**
 * A cost meter for a policy that does not keep one: it reads the policy's
 * stats() totals on every access. Correct, but slower (stats() builds an
 * object); policies on the lab's hot path provide their own meter.
 *
 * @module
 */
import type { CostMeter, SwiotlbPolicy } from '../../swiotlb/policy.js';

/** Meter view over stats(). Fields stats() does not carry (copies, kmallocs, CMA) read 0. */
export class StatsMeter implements CostMeter {
  readonly #p: SwiotlbPolicy;
  readonly #now: () => number;

  /**
   * @param p - The policy.
   * @param now - Current simulated time (stats() integrates memory up to it).
   */
  constructor(p: SwiotlbPolicy, now: () => number) {
    this.#p = p;
    this.#now = now;
  }
  get bytesCopied(): number {
    return this.#p.stats(this.#now()).bytesBounced;
  }
  readonly copies = 0;
  get searchSteps(): number {
    return this.#p.stats(this.#now()).searchSteps;
  }
  get lockAcquisitions(): number {
    return this.#p.stats(this.#now()).lockAcquisitions;
  }
  get nodesVisited(): number {
    return this.#p.stats(this.#now()).nodesVisited;
  }
  get pageAllocs(): number {
    return this.#p.stats(this.#now()).pageAllocs;
  }
  readonly pagesAllocated = 0;
  readonly cmaAllocs = 0;
  get pageFrees(): number {
    return this.#p.stats(this.#now()).pageFrees;
  }
  readonly kmallocs = 0;
  get hypercalls(): number {
    return this.#p.stats(this.#now()).hypercalls;
  }
  get hypercallPages(): number {
    return this.#p.stats(this.#now()).sharedPages;
  }
}
