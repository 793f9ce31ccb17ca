/**
 * Pieces every pool-based policy's stats() shares: the counts of its
 * allocators, and its share/unshare hypercalls since it was created.
 *
 * @module
 */
import type { Machine } from '../machine/machine.js';
import type { IoTlbMem } from './io-tlb-mem.js';
import type { PolicyStats } from './policy.js';

/** The counts of one or more allocators that PolicyStats reports. */
export type AllocatorCounts = Pick<PolicyStats, 'maps' | 'mapFailures' | 'unmaps' | 'syncs' | 'bytesBounced' | 'searchSteps' | 'lockAcquisitions' | 'lookups' | 'nodesVisited'>;

/**
 * Sum the counters of allocators (a lookup in them visits one node per pool checked, counted as one).
 *
 * @param mems - Allocators.
 * @returns Their counts.
 * @remarks Context: any.
 */
export function allocatorCounts(mems: readonly IoTlbMem[]): AllocatorCounts {
  const out: AllocatorCounts = { maps: 0, mapFailures: 0, unmaps: 0, syncs: 0, bytesBounced: 0, searchSteps: 0, lockAcquisitions: 0, lookups: 0, nodesVisited: 0 };
  for (const m of mems) {
    const c = m.counters;
    out.maps += c.maps;
    out.mapFailures += c.mapFailures;
    out.unmaps += c.unmaps;
    out.syncs += c.syncs;
    out.bytesBounced += c.bytesBouncedToDevice + c.bytesBouncedFromDevice;
    out.searchSteps += c.searchSteps;
    out.lockAcquisitions += c.areaLockAcquisitions;
    out.lookups += c.lookups;
    out.nodesVisited += c.lookups;
  }
  return out;
}

/** Share/unshare hypercalls counted from a baseline (taken before the policy shared its boot pool). */
export class HostSharing {
  readonly #machine: Machine;
  readonly #calls0: number;
  readonly #pages0: number;

  /**
   * @param machine - The machine.
   * @param baseline - Encryption counters to count from; default: now.
   */
  constructor(machine: Machine, baseline: { hypercalls: number; pagesSharedTotal: number } = machine.encryption.counters()) {
    this.#machine = machine;
    this.#calls0 = baseline.hypercalls;
    this.#pages0 = baseline.pagesSharedTotal;
  }

  /**
   * Hypercalls and pages shared since the baseline.
   *
   * @returns The counts for PolicyStats.
   * @remarks Context: any.
   */
  counts(): Pick<PolicyStats, 'hypercalls' | 'sharedPages'> {
    const enc = this.#machine.encryption.counters();
    return { hypercalls: enc.hypercalls - this.#calls0, sharedPages: enc.pagesSharedTotal - this.#pages0 };
  }
}
