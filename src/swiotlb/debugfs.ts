/**
 * The debugfs view of an allocator (/sys/kernel/debug/swiotlb/, spec §5.5).
 *
 * @module
 */
import { memUsed, type IoTlbMem } from './io-tlb-mem.js';
import { poolUsed } from './pool.js';

/** Files of the swiotlb debugfs directory, as numbers. Absent files are left out. */
export interface SwiotlbDebugfs {
  io_tlb_nslabs: number;
  io_tlb_used: number;
  io_tlb_used_hiwater?: number;
  io_tlb_transient_nslabs?: number;
}

/**
 * Read the debugfs files of an allocator as the profile's kernel shows them.
 *
 * @param mem - The allocator.
 * @returns The values of the files that exist in that version.
 * @remarks Context: any; unlocked reads, like the kernel's.
 */
export function readDebugfs(mem: IoTlbMem): SwiotlbDebugfs {
  const out: SwiotlbDebugfs = { io_tlb_nslabs: mem.nslabs, io_tlb_used: memUsed(mem) };
  if (mem.profile.debugfsTotalUsed) out.io_tlb_used_hiwater = mem.usedHiwater;
  if (mem.profile.debugfsTransient) out.io_tlb_transient_nslabs = mem.transientNslabs;
  return out;
}

/**
 * Format the debugfs view as `name value` lines (what `grep . *` prints in that directory).
 *
 * @param mem - The allocator.
 * @returns Text.
 * @remarks Context: any.
 */
export function formatDebugfs(mem: IoTlbMem): string {
  return Object.entries(readDebugfs(mem))
    .map(([k, v]) => `${k} ${String(v)}`)
    .join('\n');
}

/**
 * Per-area state of every pool, for reports and replay diagnostics.
 *
 * @param mem - The allocator.
 * @returns One entry per pool with its areas' used and index.
 * @remarks Context: any.
 */
export function areaSnapshot(mem: IoTlbMem): { pool: number; start: number; nslabs: number; used: number; areas: { used: number; index: number }[] }[] {
  return mem.pools.map((p) => ({
    pool: p.id,
    start: p.start,
    nslabs: p.nslabs,
    used: poolUsed(p),
    areas: Array.from({ length: p.nareas }, (_, a) => ({ used: p.areaUsed[a]!, index: p.areaIndex[a]! })),
  }));
}
