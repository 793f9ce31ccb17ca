/**
 * What a replay reports: counts, matched and mismatched decisions, the first
 * mismatch with the kernel's and the model's view, and the rebuilt pool.
 *
 * @module
 */
import type { SwiotlbCounters } from '../../swiotlb/io-tlb-mem.js';
import type { DebugCode, DebugFinding } from '../../dma/dma-debug.js';
import type { InitialState } from './initial-state.js';

/** The pool configuration the replay rebuilt from the trace. */
export interface ReplayPoolConfig {
  start: number;
  end: number;
  nslabs: number;
  nareas: number;
  areaNslabs: number;
  force: boolean;
  /** Where it came from: the trace's `pool:` line, options, or a default (then bounce addresses are not compared). */
  source: 'trace' | 'options' | 'default';
}

/** One decision where the model and the kernel disagreed. */
export interface ReplayMismatch {
  /** 1-based trace line of the kernel's decision. */
  line: number;
  /** The trace line's text (untrusted; escape before showing in HTML). */
  text: string;
  /** What was compared, e.g. `map_found`, `map_single_ret`, `unmap_release`, `pool`. */
  decision: string;
  /** The kernel's values. */
  kernel: Record<string, number | string>;
  /** The model's values. */
  model: Record<string, number | string>;
  /** The area's state around the slot in the model, after the model's decision. */
  area: { area: number; index: number; used: number; slotsFrom: number; list: number[] } | null;
}

/** The result of replaying one trace. */
export interface ReplayResult {
  schemaVersion: 1;
  file: string;
  /** SHA-256 of the inputs: the trace's bytes, the kernel profile and the options that change decisions. */
  inputDigest: string;
  kernel: string;
  /** `in-lock` (oracle probes inside the search), `entry` (fallback probes), or `dma-events` (6.12+ dma:* only). */
  mode: 'in-lock' | 'entry' | 'dma-events' | 'empty';
  events: number;
  lines: number;
  maps: number;
  unmaps: number;
  syncs: number;
  failures: number;
  failuresByCode: Record<string, number>;
  /** Decisions compared with the kernel's and equal. */
  matched: number;
  /** Decisions compared and different. */
  mismatched: number;
  /** Entry captures (no in-lock probes): maps that matched once another CPU's concurrent map took the area lock first (matched includes them). */
  reordered: number;
  /** Entry captures: differing maps after which the replay went on from the kernel's slots rather than its own. */
  followed: number;
  firstMismatch: ReplayMismatch | null;
  pool: ReplayPoolConfig | null;
  /** Peak slots in use during the replay. */
  peakUsed: number;
  /** Slots in use at the end (live mappings never unmapped). */
  usedAtEnd: number;
  counters: SwiotlbCounters;
  /** Kernel log lines the model produced (buffer full, warnings). */
  log: string[];
  /** Kernel warnings for input the kernel would have accepted with a warning or BUG, with line numbers. */
  warnings: string[];
  unknownEvents: Record<string, number>;
  lostEvents: number;
  /** Events the ring buffer overwrote before the trace was read (its ftrace header), 0 when it does not say. */
  overwrittenEvents: number;
  malformedLines: number;
  gzip: boolean;
  /**
   * dma:* replay only: maps that went direct, unmaps/syncs of direct mappings, coherent allocs/frees, bounced mappings
   * never unmapped, and bounced maps whose call ended with no result in the trace (a call that failed on a full pool:
   * its last map counted as failed, the others as mapped and undone).
   */
  dma: { directMaps: number; directOps: number; allocs: number; liveAtEnd: number; abandoned: number } | null;
  /** swiotlb_bounced events seen. */
  bouncedEvents: number;
  /** Calls with no return or release when the trace ended (non-zero: a truncated capture). */
  pendingAtEnd: number;
  /** Entry captures: mappings released because the kernel gave out their slots again (their unmaps are missing from the trace). */
  releasedHolders: number;
  /** Pool-line areas that matched once a release on another CPU within a few lines of the line was counted on the other side of its unlocked read (matched includes them). */
  poolReadSkewed: number;
  /** The state the replay started from, taken from the trace's first pool line (null without one). */
  initialState: InitialState | null;
  /** DMA-API debugging of the trace's calls (--check), or null. */
  dmaDebug: { counts: Partial<Record<DebugCode, number>>; findings: DebugFinding[]; liveAtEnd: number } | null;
}
