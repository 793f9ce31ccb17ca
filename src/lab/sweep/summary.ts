/**
 * The row a sweep keeps per point: the exact counts and estimates people
 * compare across a grid.
 *
 * @module
 */
import type { RunResult } from '../run.js';

/** One point's summary. */
export interface SweepRow {
  maps: number;
  mapFailures: number;
  failuresByCode: Record<string, number>;
  requests: number;
  failedRequests: number;
  bytesBounced: number;
  peakInUseBytes: number;
  peakReservedBytes: number;
  reservedByteNs: number;
  hypercalls: number;
  pageAllocs: number;
  nodesVisited: number;
  estimatedCpuNs: number;
  mapP99Ns: number;
  poolBytes: number;
}

/**
 * Summarise a run.
 *
 * @param r - The run's result.
 * @returns The row.
 * @remarks Context: any.
 */
export function summarize(r: RunResult): SweepRow {
  const sum = (k: string) => r.devices.reduce((a, d) => a + ((d[k] as number) ?? 0), 0);
  return {
    maps: r.policy.maps,
    mapFailures: r.policy.mapFailures,
    failuresByCode: r.policy.failuresByCode as Record<string, number>,
    requests: sum('requests'),
    failedRequests: sum('failedRequests'),
    bytesBounced: r.policy.bytesBounced,
    peakInUseBytes: r.policy.peakInUseBytes,
    peakReservedBytes: r.policy.peakReservedBytes,
    reservedByteNs: r.policy.reservedByteNs,
    hypercalls: r.policy.hypercalls,
    pageAllocs: r.policy.pageAllocs,
    nodesVisited: r.policy.nodesVisited,
    estimatedCpuNs: r.estimatedCpuNs,
    mapP99Ns: Math.max(0, ...r.devices.map((d) => ((d.mapLatency as Record<string, number>).p99Ns ?? 0))),
    poolBytes: r.pool.bytes,
  };
}
