/**
 * Invariants of a pool's slot bookkeeping, checked from first principles
 * (which slots are held) rather than trusted from the incremental updates.
 * Used by property tests and the conformance suite.
 *
 * @module
 */
import { IO_TLB_SEGSIZE } from './constants.js';
import { listAt, type IoTlbPool } from './pool.js';

/**
 * Check a pool against the set of slots that are held.
 *
 * Checks: `list[i]` is 0 for held slots and otherwise the distance to the next
 * held slot or segment end (or pool end for clamped pools); each area's `used`
 * equals its held slots; each segment bound is at least its longest free run,
 * and equal to it where flagged exact.
 *
 * @param pool - The pool.
 * @param held - held[i] = 1 when slot i belongs to a live allocation (padding included).
 * @returns A list of violations (empty when consistent), at most 20.
 * @remarks Context: any (test and debug use; O(nslabs)).
 */
export function checkPoolInvariants(pool: IoTlbPool, held: Uint8Array): string[] {
  const errs: string[] = [];
  const push = (m: string) => {
    if (errs.length < 20) errs.push(m);
  };
  const n = pool.nslabs;
  const segCount = pool.segs.nseg;
  for (let seg = 0; seg < segCount; seg++) {
    let run = 0;
    let maxRun = 0;
    const from = seg * IO_TLB_SEGSIZE;
    for (let i = from + IO_TLB_SEGSIZE - 1; i >= from; i--) {
      const isHeld = i < n ? held[i] === 1 : listAt(pool, i) === 0;
      run = isHeld ? 0 : run + 1;
      if (run > maxRun) maxRun = run;
      if (i < n && listAt(pool, i) !== run) push(`slot ${i}: list ${listAt(pool, i)} but the free run there is ${run}`);
    }
    const b = pool.segs.bound(seg);
    if (b < maxRun) push(`segment ${seg}: bound ${b} below its longest free run ${maxRun}`);
    if (pool.segs.exact[seg] === 1 && b !== maxRun) push(`segment ${seg}: bound ${b} flagged exact but the longest free run is ${maxRun}`);
  }
  for (let a = 0; a < pool.nareas; a++) {
    let used = 0;
    for (let i = a * pool.areaNslabs; i < (a + 1) * pool.areaNslabs; i++) used += held[i]!;
    if (pool.areaUsed[a] !== used) push(`area ${a}: used ${pool.areaUsed[a]} but ${used} slots are held`);
    const idx = pool.areaIndex[a]!;
    if (idx < 0 || idx >= pool.areaNslabs) push(`area ${a}: index ${idx} outside [0, ${pool.areaNslabs})`);
  }
  return errs;
}
