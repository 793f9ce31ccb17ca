/**
 * PolicyStats of the `mru-list` policy, assembled from what the layers
 * counted: the pool's counters, the dynamic path's counters, both lookup
 * strategies, the encryption counters and the byte-time trackers.
 *
 * @module
 */
import type { IoTlbMem } from '../../io-tlb-mem.js';
import type { LookupCounters } from '../../lookup/lookup-types.js';
import { emptyStats, type PolicyStats } from '../../policy.js';
import type { ByteTime } from './byte-time.js';
import type { DynState } from './dyn-map.js';

/** What the stats are computed from. */
export interface MruListStatsParts {
  name: string;
  mem: IoTlbMem;
  dyn: DynState;
  /** The pool's range check (is_swiotlb_fixed()). */
  fixedLookup: LookupCounters;
  reserved: ByteTime;
  inUse: ByteTime;
  failuresByCode: PolicyStats['failuresByCode'];
  /** Encryption hypercalls and shared pages since before the boot pool was shared. */
  hypercalls: number;
  sharedPages: number;
}

/**
 * Assemble the stats.
 *
 * @param p - Parts.
 * @param now - Time to integrate reserved bytes up to.
 * @returns Stats: maps, unmaps, syncs and bytes of both paths; page allocations of the dynamic path;
 *   lookups and nodes of both strategies; locks of the lists plus the pool's area locks.
 * @remarks Context: any.
 */
export function mruListStats(p: MruListStatsParts, now: number): PolicyStats {
  const c = p.mem.counters;
  const d = p.dyn.counters;
  const fl = p.fixedLookup;
  const dl = p.dyn.lookup.counters;
  return {
    ...emptyStats(p.name),
    maps: c.maps + d.maps,
    mapFailures: c.mapFailures,
    failuresByCode: { ...p.failuresByCode },
    unmaps: c.unmaps + d.unmaps,
    syncs: c.syncs + d.syncs,
    bytesBounced: c.bytesBouncedToDevice + c.bytesBouncedFromDevice + d.bytesToDevice + d.bytesFromDevice,
    reservedBytes: p.reserved.value,
    peakReservedBytes: p.reserved.peak,
    inUseBytes: p.inUse.value,
    peakInUseBytes: p.inUse.peak,
    reservedByteNs: p.reserved.integralAt(now),
    pools: p.mem.pools.length,
    pageAllocs: d.pageAllocs,
    pageFrees: d.pageFrees,
    hypercalls: p.hypercalls,
    sharedPages: p.sharedPages,
    lookups: fl.lookups + dl.lookups,
    nodesVisited: fl.nodesVisited + dl.nodesVisited,
    lockAcquisitions: fl.lockAcquisitions + dl.lockAcquisitions + c.areaLockAcquisitions,
    searchSteps: c.searchSteps,
  };
}
