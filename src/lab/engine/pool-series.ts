/**
 * Bytes in use per slot pool over simulated time, for designs that expose
 * their slot pools: one series per persistent pool (the default pool, pools
 * grown in the background) and one for all transient pools together, which
 * come and go per mapping and would otherwise give thousands of series.
 *
 * @module
 */
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { poolUsed, type IoTlbPool } from '../../swiotlb/pool.js';
import { LevelSeries, type SeriesPoint } from './time-series.js';

/** Name of the series that sums the transient pools. */
export const TRANSIENT_SERIES = 'transient pools';

/** Per-pool occupancy series of one run. */
export class PoolSeries {
  readonly #sampleNs: number;
  readonly #series = new Map<string, LevelSeries>();
  readonly #level = new Map<string, number>();
  /**
   * The persistent pools of the last sample, in order, with their series: while
   * the pools stay the same (a fixed pool, between growths) a sample needs no
   * keys or map lookups.
   */
  #lastIds: number[] = [];
  #lastSeries: LevelSeries[] = [];

  /**
   * @param sampleNs - Width of a point at the start of the run.
   */
  constructor(sampleNs: number) {
    this.#sampleNs = sampleNs;
  }

  /**
   * Record the pools' use at time t; a pool gone since the last sample drops to 0.
   *
   * @param t - The simulation's clock (ns), never decreasing.
   * @param pools - The design's slot pools now.
   * @remarks Context: simulation loop, once per sample; O(pools x areas).
   */
  sample(t: number, pools: readonly IoTlbPool[]): void {
    if (this.#sameAsLast(pools)) {
      for (let i = 0; i < pools.length; i++) this.#lastSeries[i]!.set(t, poolUsed(pools[i]!) * IO_TLB_SIZE);
      return;
    }
    for (const k of this.#level.keys()) this.#level.set(k, 0);
    for (const p of pools) {
      const key = p.transient ? TRANSIENT_SERIES : `pool ${p.id}`;
      this.#level.set(key, (this.#level.get(key) ?? 0) + poolUsed(p) * IO_TLB_SIZE);
    }
    for (const [key, bytes] of this.#level) {
      let s = this.#series.get(key);
      if (s === undefined) {
        s = new LevelSeries(this.#sampleNs);
        this.#series.set(key, s);
      }
      s.set(t, bytes);
    }
    this.#remember(pools);
  }

  #sameAsLast(pools: readonly IoTlbPool[]): boolean {
    const ids = this.#lastIds;
    if (ids.length === 0 || pools.length !== ids.length) return false;
    for (let i = 0; i < pools.length; i++) if (pools[i]!.transient || pools[i]!.id !== ids[i]) return false;
    return true;
  }

  /** Keep the pools for the next sample when each has its own series and no other series needs zeroing. */
  #remember(pools: readonly IoTlbPool[]): void {
    this.#lastIds = [];
    this.#lastSeries = [];
    if (pools.some((p) => p.transient) || this.#series.size !== pools.length) return;
    for (const p of pools) {
      this.#lastIds.push(p.id);
      this.#lastSeries.push(this.#series.get(`pool ${p.id}`)!);
    }
  }

  /**
   * Close every series at the end of the run.
   *
   * @param end - Simulated end time (ns).
   * @returns Series by name (`pool <id>`, or the transient sum), in order of first appearance.
   * @remarks Context: end of run, once.
   */
  finish(end: number): Record<string, SeriesPoint[]> {
    const out: Record<string, SeriesPoint[]> = {};
    for (const [key, s] of this.#series) out[key] = s.finish(end);
    return out;
  }
}
