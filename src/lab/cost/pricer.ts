/**
 * Pricing calls with the cost model: read a policy's cumulative meter before
 * and after a call, multiply each delta by its cost. Totals per category are
 * kept so a result shows the exact counts next to the time they were priced at.
 *
 * @module
 */
import type { CostMeter } from '../../swiotlb/policy.js';
import type { CostModel } from './cost-model.js';

/** Meter fields in a fixed order (index into snapshot arrays). */
export const METER_FIELDS = [
  'bytesCopied',
  'copies',
  'searchSteps',
  'lockAcquisitions',
  'nodesVisited',
  'pageAllocs',
  'pagesAllocated',
  'cmaAllocs',
  'pageFrees',
  'kmallocs',
  'hypercalls',
  'hypercallPages',
] as const satisfies readonly (keyof CostMeter)[];

/**
 * Copy a meter's values into a snapshot array.
 *
 * @param m - The meter.
 * @param out - Float64Array of METER_FIELDS.length.
 * @remarks Context: any. No allocation.
 */
export function readMeter(m: CostMeter, out: Float64Array): void {
  out[0] = m.bytesCopied;
  out[1] = m.copies;
  out[2] = m.searchSteps;
  out[3] = m.lockAcquisitions;
  out[4] = m.nodesVisited;
  out[5] = m.pageAllocs;
  out[6] = m.pagesAllocated;
  out[7] = m.cmaAllocs;
  out[8] = m.pageFrees;
  out[9] = m.kmallocs;
  out[10] = m.hypercalls;
  out[11] = m.hypercallPages;
}

/** Turns meter deltas into nanoseconds. */
export class Pricer {
  readonly #unit: Float64Array;

  /**
   * @param c - The resolved cost model.
   */
  constructor(c: CostModel) {
    // Cost per unit of each meter field; CMA allocations replace the fast-path price.
    this.#unit = Float64Array.from([
      c.copyNsPerByte,
      c.copyNsPerCall,
      c.searchStepNs,
      c.lockNs,
      c.nodeVisitNs,
      c.pageAllocNs,
      c.pageAllocNsPerPage,
      c.cmaAllocNs - c.pageAllocNs,
      c.pageFreeNs,
      c.kmallocNs,
      c.hypercallNs,
      c.hypercallNsPerPage,
    ]);
  }

  /**
   * Price the work a meter counted since a snapshot and move the snapshot up
   * to the meter's current values. The sum is each moved field's priceOf()
   * in METER_FIELDS order, so it is the same to the last bit however the
   * snapshots were taken; the meter is read once, and the snapshot is then
   * the meter as the call left it (the next call may start from it, see
   * Simulation). Written out field by field: a call's cost is priced twice
   * per simulated request, and a loop over a second snapshot array was a
   * measurable part of the lab's time (about 5 % of a long NVMe run).
   *
   * @param m - The meter.
   * @param snap - Snapshot taken with readMeter() (or left by this function) before the call; updated in place.
   * @returns Nanoseconds.
   * @remarks Context: any. No allocation.
   */
  priceAndAdvance(m: CostMeter, snap: Float64Array): number {
    const u = this.#unit;
    const b = snap;
    let ns = 0;
    let v = m.bytesCopied;
    let d = v - b[0]!;
    b[0] = v;
    if (d !== 0) ns += d * u[0]!; // a field that did not move adds nothing (not even -0)
    v = m.copies;
    d = v - b[1]!;
    b[1] = v;
    if (d !== 0) ns += d * u[1]!;
    v = m.searchSteps;
    d = v - b[2]!;
    b[2] = v;
    if (d !== 0) ns += d * u[2]!;
    v = m.lockAcquisitions;
    d = v - b[3]!;
    b[3] = v;
    if (d !== 0) ns += d * u[3]!;
    v = m.nodesVisited;
    d = v - b[4]!;
    b[4] = v;
    if (d !== 0) ns += d * u[4]!;
    v = m.pageAllocs;
    d = v - b[5]!;
    b[5] = v;
    if (d !== 0) ns += d * u[5]!;
    v = m.pagesAllocated;
    d = v - b[6]!;
    b[6] = v;
    if (d !== 0) ns += d * u[6]!;
    v = m.cmaAllocs;
    d = v - b[7]!;
    b[7] = v;
    if (d !== 0) ns += d * u[7]!;
    v = m.pageFrees;
    d = v - b[8]!;
    b[8] = v;
    if (d !== 0) ns += d * u[8]!;
    v = m.kmallocs;
    d = v - b[9]!;
    b[9] = v;
    if (d !== 0) ns += d * u[9]!;
    v = m.hypercalls;
    d = v - b[10]!;
    b[10] = v;
    if (d !== 0) ns += d * u[10]!;
    v = m.hypercallPages;
    d = v - b[11]!;
    b[11] = v;
    if (d !== 0) ns += d * u[11]!;
    return ns;
  }

  /**
   * Nanoseconds of one field's delta (for lock hold times and breakdowns).
   *
   * @param field - Index into METER_FIELDS.
   * @param delta - Units.
   * @returns Nanoseconds.
   * @remarks Context: any.
   */
  priceOf(field: number, delta: number): number {
    return delta * this.#unit[field]!;
  }
}
