/**
 * What a run counts per device.
 *
 * @module
 */
import { Histogram } from './histogram.js';
import { LevelSeries, type SeriesPoint } from './time-series.js';

/** Per-device counts and latency distributions. */
export class DeviceMetrics {
  readonly name: string;
  maps = 0;
  mapFailures = 0;
  readonly failuresByCode: Record<string, number> = {};
  unmaps = 0;
  bytesMapped = 0;
  requests = 0;
  failedRequests = 0;
  deferred = 0;
  blocked = 0;
  /** Mappings never unmapped (at the end of the run). */
  leaked = 0;
  lockWaitNs = 0;
  cpuQueueNs = 0;
  /** Bytes mapped and not yet unmapped. */
  liveBytes = 0;
  peakLiveBytes = 0;
  /** liveBytes sampled with the pool's levels (every sampleMs), for per-device occupancy charts; peakLiveBytes stays exact. */
  readonly live: LevelSeries;
  readonly mapNs = new Histogram();
  readonly unmapNs = new Histogram();
  readonly requestNs = new Histogram();
  readonly waitNs = new Histogram();
  /** When the device's data channel is next free (the engine's state, not a result). */
  channelFreeNs = 0;

  /**
   * @param name - Device name.
   * @param sampleNs - Width of a time-series point at the start of the run.
   */
  constructor(name: string, sampleNs: number) {
    this.name = name;
    this.live = new LevelSeries(sampleNs);
  }

  /**
   * Change the device's live bytes (a map, an unmap, a deferred map completing).
   *
   * @param delta - Bytes added (negative for an unmap).
   * @remarks Context: simulation loop; no allocation (the series is sampled with the pool's levels).
   */
  addLive(delta: number): void {
    this.liveBytes += delta;
    if (this.liveBytes > this.peakLiveBytes) this.peakLiveBytes = this.liveBytes;
  }

  /** Distinct sizes of mappings that failed as too large (at most 16). */
  readonly tooLargeSizes = new Set<number>();

  /**
   * Record a failure by cause.
   *
   * @param code - Failure code.
   * @param size - Bytes of the mapping.
   * @remarks Context: any.
   */
  fail(code: string, size: number): void {
    this.mapFailures++;
    this.failuresByCode[code] = (this.failuresByCode[code] ?? 0) + 1;
    if (code === 'too_large' && this.tooLargeSizes.size < 16) this.tooLargeSizes.add(size);
  }

  /**
   * Close the live-bytes series at the end of the run.
   *
   * @param end - Simulated end time (ns).
   * @remarks Context: end of run, once.
   */
  finish(end: number): void {
    this.#occupancy = this.live.finish(end);
  }

  #occupancy: SeriesPoint[] = [];

  /**
   * The device's counts for results (call finish() first for its occupancy series).
   *
   * @returns A JSON-ready record.
   * @remarks Context: end of run.
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      requests: this.requests,
      failedRequests: this.failedRequests,
      maps: this.maps,
      mapFailures: this.mapFailures,
      failuresByCode: this.failuresByCode,
      tooLargeSizes: [...this.tooLargeSizes].sort((a, b) => a - b),
      unmaps: this.unmaps,
      bytesMapped: this.bytesMapped,
      deferred: this.deferred,
      blocked: this.blocked,
      leaked: this.leaked,
      lockWaitNs: Math.round(this.lockWaitNs),
      cpuQueueNs: Math.round(this.cpuQueueNs),
      peakLiveBytes: this.peakLiveBytes,
      occupancy: this.#occupancy,
      mapLatency: this.mapNs.summary(),
      mapLatencyHistogram: this.mapNs.octaves(),
      unmapLatencyHistogram: this.unmapNs.octaves(),
      unmapLatency: this.unmapNs.summary(),
      requestLatency: this.requestNs.summary(),
      waitLatency: this.waitNs.summary(),
    };
  }
}
