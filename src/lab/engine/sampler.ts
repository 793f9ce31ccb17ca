/**
 * What a run samples every sampleMs of simulated time: the design's bytes in
 * use, bytes reserved and failed maps so far, each device's live bytes, and
 * the use of each slot pool, as bounded time series.
 *
 * @module
 */
import type { PolicyLevels, SwiotlbPolicy } from '../../swiotlb/policy.js';
import type { DeviceMetrics } from './device-metrics.js';
import type { PerfettoRecorder } from './perfetto.js';
import { PoolSeries } from './pool-series.js';
import { LevelSeries } from './time-series.js';

/** The sampled series of one run. */
export class Sampler {
  /** Bytes of bounce buffers in use. */
  readonly occupancy: LevelSeries;
  /** Bytes set aside for bouncing. */
  readonly reserved: LevelSeries;
  /** Failed maps so far (cumulative), sampled with the levels so failures share their time axis. */
  readonly failures: LevelSeries;
  /** Bytes in use per slot pool (designs that expose their pools). */
  readonly pools: PoolSeries;
  /** The design's levels (reused). */
  readonly #levels: PolicyLevels = { inUseBytes: 0, reservedBytes: 0, mapFailures: 0 };

  /**
   * @param sampleNs - The sampling interval (the width of a point at the start of the run).
   */
  constructor(sampleNs: number) {
    this.occupancy = new LevelSeries(sampleNs);
    this.reserved = new LevelSeries(sampleNs);
    this.failures = new LevelSeries(sampleNs);
    this.pools = new PoolSeries(sampleNs);
  }

  /**
   * Take one sample.
   *
   * @param now - Simulated time (ns), never decreasing.
   * @param policy - The design (levels() when it has it, else stats()).
   * @param devices - Every device's metrics.
   * @param perfetto - The trace recorder, when the run has one (it gets the two levels as counters).
   * @remarks Context: simulation loop, once per sampling interval.
   */
  sample(now: number, policy: SwiotlbPolicy, devices: Iterable<DeviceMetrics>, perfetto: PerfettoRecorder | undefined): void {
    const s = this.#levels;
    if (policy.levels !== undefined) policy.levels(s);
    else {
      const st = policy.stats(now);
      s.inUseBytes = st.inUseBytes;
      s.reservedBytes = st.reservedBytes;
      s.mapFailures = st.mapFailures;
    }
    this.occupancy.set(now, s.inUseBytes);
    this.reserved.set(now, s.reservedBytes);
    this.failures.set(now, s.mapFailures);
    for (const m of devices) m.live.set(now, m.liveBytes);
    const pools = policy.slotPools?.();
    if (pools !== undefined) this.pools.sample(now, pools);
    perfetto?.counters(now, s.inUseBytes, s.reservedBytes);
  }
}
