/**
 * The reference slot search of one area: the kernel's loop, slot by slot
 * (spec §3.3). Slow on big pools; the fast search must agree with it on every
 * decision and step count (differential tests).
 *
 * @module
 */
import type { IoTlbPool } from './pool.js';
import { SearchRequest, isAligned, crossesBoundary } from './search-request.js';
import { freeRunAt } from './slot-bits.js';

/** Outcome of one area search (reused, no allocation). */
export class AreaSearchResult {
  /** Global slot index found, or -1. */
  index = -1;
  /** Loop iterations the kernel would have executed (candidates and misaligned steps). */
  steps = 0;
  /** The 6.1 do/while would spin forever with the area lock held (spec §3.3). */
  livelock = false;
}

/**
 * Scan one area slot by slot exactly as the kernel's loop does.
 *
 * @param pool - Pool to search.
 * @param area - Area index.
 * @param req - Filled search request.
 * @param loop - `wrap` (6.1 do/while, may livelock) or `checked` (6.6+).
 * @param out - Result to fill.
 * @remarks Context: caller holds the area lock; the quick reject was already done.
 */
export function scanArea(pool: IoTlbPool, area: number, req: SearchRequest, loop: 'wrap' | 'checked', out: AreaSearchResult): void {
  const N = pool.areaNslabs;
  const base = area * N;
  const bits = pool.bits;
  const n = req.nslots;
  const s = req.stride;
  out.index = -1;
  out.steps = 0;
  out.livelock = false;
  if (loop === 'wrap') {
    let idx = Math.ceil(pool.areaIndex[area]! / s) * s;
    if (idx >= N) idx = 0;
    const wrap = idx;
    let wraps = 0;
    do {
      out.steps++;
      const g = base + idx;
      if (!isAligned(req, g)) {
        idx += 1;
      } else {
        if (!crossesBoundary(req, g) && freeRunAt(bits, g) >= n) {
          out.index = g;
          return;
        }
        idx += s;
      }
      if (idx >= N) {
        idx = 0;
        wraps++;
        if (idx !== wrap && wraps >= 2) {
          out.livelock = true;
          return;
        }
      }
    } while (idx !== wrap);
    return;
  }
  let idx = pool.areaIndex[area]!;
  let checked = 0;
  while (checked < N) {
    out.steps++;
    const g = base + idx;
    if (!isAligned(req, g)) {
      idx += 1;
      if (idx >= N) idx = 0;
      checked += 1;
      continue;
    }
    if (!crossesBoundary(req, g) && freeRunAt(bits, g) >= n) {
      out.index = g;
      return;
    }
    idx += s;
    if (idx >= N) idx = 0;
    checked += s;
  }
}
