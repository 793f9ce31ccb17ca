/**
 * A snapshot of the default pool's slots for the report's heatmap: which
 * slots are held, bucketed to a bounded number of cells, with the free-run
 * facts that explain a "buffer is full" while `used` is well below total
 * (fragmentation). Taken at the first failed map, or at the end of a run
 * without failures.
 *
 * @module
 */
import type { IoTlbPool } from '../../swiotlb/pool.js';
import type { SwiotlbPolicy } from '../../swiotlb/policy.js';
import { IO_TLB_SEGSIZE } from '../../swiotlb/constants.js';

/** Most cells a snapshot keeps; bigger pools are bucketed. */
export const SLOT_MAP_CELLS = 1024;

/** The default pool's slots at one moment. */
export interface SlotMap {
  /** Simulated time of the snapshot (ns). */
  at: number;
  reason: 'first failed map' | 'end of run';
  nslabs: number;
  nareas: number;
  /** Slots per cell. */
  bucketSlots: number;
  /** Per cell, the fraction of its slots held (0..1, three decimals). */
  used: number[];
  /** Slots held. */
  usedSlots: number;
  /**
   * Runs of free slots within segments, and the longest: a map needs one run
   * of its slot count inside one IO_TLB_SEGSIZE segment, so runs split there.
   */
  freeRuns: number;
  longestFreeRun: number;
}

function isHeld(pool: IoTlbPool, i: number): boolean {
  return (pool.bits[i >>> 5]! & (1 << (i & 31))) !== 0;
}

/**
 * Snapshot the default pool of a policy.
 *
 * @param policy - The design; one without slot pools gives null.
 * @param at - Simulated time (ns).
 * @param reason - Why now.
 * @returns The snapshot, or null when the design has no slot pool.
 * @remarks Context: any; O(nslabs), taken once per run.
 */
export function takeSlotMap(policy: SwiotlbPolicy, at: number, reason: SlotMap['reason']): SlotMap | null {
  const pool = policy.slotPools?.()[0];
  if (pool === undefined) return null;
  const n = pool.nslabs;
  const bucketSlots = Math.max(1, Math.ceil(n / SLOT_MAP_CELLS));
  const used: number[] = [];
  let usedSlots = 0;
  let freeRuns = 0;
  let run = 0;
  let longest = 0;
  let inCell = 0;
  let cellSize = 0;
  for (let i = 0; i < n; i++) {
    if (i % IO_TLB_SEGSIZE === 0) run = 0;
    if (isHeld(pool, i)) {
      usedSlots++;
      inCell++;
      run = 0;
    } else {
      if (run === 0) freeRuns++;
      run++;
      if (run > longest) longest = run;
    }
    if (++cellSize === bucketSlots || i === n - 1) {
      used.push(Math.round((inCell / cellSize) * 1000) / 1000);
      inCell = 0;
      cellSize = 0;
    }
  }
  return { at, reason, nslabs: n, nareas: pool.nareas, bucketSlots, used, usedSlots, freeRuns, longestFreeRun: longest };
}
