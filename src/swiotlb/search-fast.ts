/**
 * The fast slot search of one area. It walks the same path as the kernel's
 * loop (search-scan.ts) but treats each stretch of aligned candidates
 * `idx, idx + stride, ...` as one run, and answers "first candidate that fits"
 * by skipping whole segments whose longest free run is too short
 * (seg-summary.ts). Same slot, same step count, same livelock verdict.
 *
 * Exact when the stride is a multiple of the alignment period (every
 * realistic mask); otherwise the caller uses the scan.
 *
 * @module
 */
import { IO_TLB_SEGSIZE } from './constants.js';
import type { IoTlbPool } from './pool.js';
import { SearchRequest, isAligned, crossesBoundary } from './search-request.js';
import { tightenSegment } from './slots.js';
import { freeRunAt } from './slot-bits.js';
import type { AreaSearchResult } from './search-scan.js';

/**
 * First k in [0, count) such that candidate base + idx + k * stride fits.
 *
 * @returns k, or -1.
 */
function firstFit(pool: IoTlbPool, base: number, idx: number, count: number, req: SearchRequest): number {
  const bits = pool.bits;
  const segs = pool.segs;
  const n = req.nslots;
  const s = req.stride;
  const last = idx + (count - 1) * s;
  const lastSeg = Math.floor((base + last) / IO_TLB_SEGSIZE);
  const checkCross = req.maxSlots < 2 ** 52;
  let x = idx;
  while (x <= last) {
    const seg = Math.floor((base + x) / IO_TLB_SEGSIZE);
    if (segs.bound(seg) < n) {
      const next = segs.nextAtLeast(seg + 1, lastSeg + 1, n);
      if (next < 0) return -1;
      const local = next * IO_TLB_SEGSIZE - base;
      x = idx + Math.ceil((local - idx) / s) * s;
      continue;
    }
    const segEnd = (seg + 1) * IO_TLB_SEGSIZE - base;
    for (; x <= last && x < segEnd; x += s) {
      const g = base + x;
      if (freeRunAt(bits, g) >= n && (!checkCross || !crossesBoundary(req, g))) return (x - idx) / s;
    }
    if (segs.exact[seg] === 0) tightenSegment(pool, seg);
  }
  return -1;
}

/**
 * Search one area as the kernel would, without visiting every candidate.
 *
 * @param pool - Pool to search.
 * @param area - Area index.
 * @param req - Filled search request with req.fastOk true.
 * @param loop - `wrap` (6.1) or `checked` (6.6+).
 * @param out - Result to fill.
 * @remarks Context: caller holds the area lock; the quick reject was already done.
 */
export function searchAreaFast(pool: IoTlbPool, area: number, req: SearchRequest, loop: 'wrap' | 'checked', out: AreaSearchResult): void {
  const N = pool.areaNslabs;
  const base = area * N;
  const s = req.stride;
  out.index = -1;
  out.steps = 0;
  out.livelock = false;
  if (loop === 'wrap') {
    let idx = Math.ceil(pool.areaIndex[area]! / s) * s;
    if (idx >= N) idx = 0;
    const wrap = idx;
    let wraps = 0;
    for (;;) {
      while (!isAligned(req, base + idx)) {
        out.steps++;
        idx += 1;
        if (idx >= N) {
          idx = 0;
          wraps++;
          if (idx !== wrap && wraps >= 2) {
            out.livelock = true;
            return;
          }
        }
        if (idx === wrap) return;
      }
      const kEnd = Math.ceil((N - idx) / s);
      const kWrap = wrap > idx && (wrap - idx) % s === 0 ? (wrap - idx) / s : Infinity;
      const count = kEnd < kWrap ? kEnd : kWrap;
      const k = firstFit(pool, base, idx, count, req);
      if (k >= 0) {
        out.steps += k + 1;
        out.index = base + idx + k * s;
        return;
      }
      out.steps += count;
      if (kWrap <= kEnd) return;
      idx = 0;
      wraps++;
      if (idx === wrap) return;
      if (wraps >= 2) {
        out.livelock = true;
        return;
      }
    }
  }
  let idx = pool.areaIndex[area]!;
  let checked = 0;
  while (checked < N) {
    if (!isAligned(req, base + idx)) {
      out.steps++;
      idx += 1;
      if (idx >= N) idx = 0;
      checked += 1;
      continue;
    }
    const kEnd = Math.ceil((N - idx) / s);
    const kBudget = Math.ceil((N - checked) / s);
    const count = kEnd < kBudget ? kEnd : kBudget;
    const k = firstFit(pool, base, idx, count, req);
    if (k >= 0) {
      out.steps += k + 1;
      out.index = base + idx + k * s;
      return;
    }
    out.steps += count;
    checked += count * s;
    idx = count === kEnd ? 0 : idx + count * s;
  }
}
