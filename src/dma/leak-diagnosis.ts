/**
 * Tell a leaking driver from a pool that is too small: mappings still live
 * at the end that are far older than the device's completed mappings ever
 * lived are leaks; if mappings failed while leaks held much of the pool, the
 * failures are the leak's doing.
 *
 * @module
 */
import type { DmaDebug } from './dma-debug.js';

/** Leaks of one device. */
export interface DeviceLeaks {
  device: string;
  mappings: number;
  bytes: number;
  /** Age of the oldest leaked mapping (ns). */
  oldestNs: number;
  /** Where the first few leaked mappings were made. */
  sites: string[];
}

/** The verdict. */
export interface LeakDiagnosis {
  leaks: DeviceLeaks[];
  leakedBytes: number;
  /** Plain-language conclusions. */
  verdict: string[];
}

/**
 * Diagnose leaks at the end of a run.
 *
 * @param debug - The dma-debug state.
 * @param names - Device names by id.
 * @param endNs - End of the run.
 * @param mapFailures - Failed maps in the run.
 * @param poolBytes - Bytes the design reserved for bouncing.
 * @returns The diagnosis.
 * @remarks Context: end of run.
 */
export function diagnoseLeaks(debug: DmaDebug, names: ReadonlyMap<number, string>, endNs: number, mapFailures: number, poolBytes: number): LeakDiagnosis {
  const byDev = new Map<number, DeviceLeaks>();
  for (const m of debug.live()) {
    const normal = debug.maxLifetime.get(m.device) ?? 0;
    const age = endNs - m.mappedAt;
    // A leak: alive far longer than any completed mapping of this device lived.
    if (age < Math.max(10 * normal, 100e6)) continue;
    let d = byDev.get(m.device);
    if (d === undefined) {
      d = { device: names.get(m.device) ?? String(m.device), mappings: 0, bytes: 0, oldestNs: 0, sites: [] };
      byDev.set(m.device, d);
    }
    d.mappings++;
    d.bytes += m.size;
    d.oldestNs = Math.max(d.oldestNs, age);
    if (d.sites.length < 3) d.sites.push(m.where);
  }
  const leaks = [...byDev.values()].sort((a, b) => b.bytes - a.bytes);
  const leakedBytes = leaks.reduce((a, l) => a + l.bytes, 0);
  const verdict: string[] = [];
  for (const l of leaks) {
    verdict.push(`${l.device} leaks DMA mappings: ${l.mappings} mappings (${l.bytes} bytes) were never unmapped, the oldest ${(l.oldestNs / 1e9).toFixed(3)} s old while its other mappings lived at most ${((debug.maxLifetime.get([...names].find(([, n]) => n === l.device)?.[0] ?? -1) ?? 0) / 1e6).toFixed(3)} ms`);
  }
  if (mapFailures > 0 && leakedBytes > 0 && leakedBytes >= poolBytes / 4) {
    verdict.push(`the ${mapFailures} failed maps come from leaked mappings holding ${((leakedBytes / poolBytes) * 100).toFixed(0)} % of the pool, not from a pool that is too small: fix the leak before resizing swiotlb`);
  } else if (mapFailures > 0) {
    verdict.push(`${mapFailures} maps failed with no significant leak: the pool is too small or too fragmented for this load`);
  }
  return { leaks, leakedBytes, verdict };
}
