/**
 * Running totals of a replay.
 *
 * @module
 */
import type { ReplayMismatch } from './replay-types.js';

const WARN_CAP = 100;

/** Counts, first mismatch and warnings, accumulated as events arrive. */
export class ReplayTally {
  events = 0;
  maps = 0;
  unmaps = 0;
  syncs = 0;
  bounced = 0;
  failures = 0;
  readonly failuresByCode: Record<string, number> = {};
  matched = 0;
  mismatched = 0;
  firstMismatch: ReplayMismatch | null = null;
  peakUsed = 0;
  /** In-lock events with no pending call (lenient mode skips them). */
  unmatched = 0;
  /** Entry captures: maps that matched only with another CPU's concurrent map taking the area lock first. */
  reordered = 0;
  /** Entry captures: differing maps after which the replay went on from the kernel's slots. */
  followed = 0;
  /** Entry captures: mappings released because the kernel gave out their slots (their unmaps are missing from the trace). */
  releasedHolders = 0;
  readonly warnings: string[] = [];

  /**
   * Record a failed map by its failure code.
   *
   * @param code - The failure code.
   * @remarks Context: any.
   */
  failure(code: string): void {
    this.failures++;
    this.failuresByCode[code] = (this.failuresByCode[code] ?? 0) + 1;
  }

  /**
   * Record a mismatched decision; the first in trace order is kept whole
   * (a pool-line area is reported a few lines after its line, see pool-read-skew.ts).
   *
   * @param m - The mismatch.
   * @remarks Context: any.
   */
  mismatch(m: ReplayMismatch): void {
    this.mismatched++;
    if (this.firstMismatch === null || m.line < this.firstMismatch.line) this.firstMismatch = m;
  }

  /**
   * Record a warning (capped at 100 kept).
   *
   * @param w - Text.
   * @remarks Context: any.
   */
  warn(w: string): void {
    if (this.warnings.length < WARN_CAP) this.warnings.push(w);
  }
}
