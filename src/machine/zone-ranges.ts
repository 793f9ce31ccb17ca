/**
 * Operations on page ranges that may span several zones' free areas: the
 * memblock-style top-down search, carving a range out of the free blocks, and
 * giving a range back. Zones are contiguous and ordered, so a range is cut at
 * zone boundaries and each piece handled by its zone's FreeArea.
 *
 * @module
 */
import type { FreeArea } from './free-area.js';

/**
 * The zone free area holding a pfn.
 *
 * @param zones - Zone free areas, lowest zone first, contiguous.
 * @param pfn - Page frame number.
 * @returns The area whose [startPfn, endPfn) contains pfn, or undefined.
 * @remarks Context: any.
 */
function areaOf(zones: readonly FreeArea[], pfn: number): FreeArea | undefined {
  for (const a of zones) if (pfn >= a.startPfn && pfn < a.endPfn) return a;
  return undefined;
}

/**
 * Find the highest run of npages free pages ending at or below topPfn whose
 * first pfn is a multiple of alignPages, as memblock's top-down search does.
 *
 * @param zones - Zone free areas, lowest zone first.
 * @param npages - Pages wanted (> 0).
 * @param alignPages - Alignment of the first pfn, in pages (power of two).
 * @param topPfn - Exclusive bound on the end of the run.
 * @returns The first pfn of the run, or -1 when no run fits.
 * @remarks Context: boot (memblock) or process context; cost grows with the number of free runs above the result.
 */
export function findTopDown(zones: readonly FreeArea[], npages: number, alignPages: number, topPfn: number): number {
  let cursor = topPfn;
  for (;;) {
    // The free block holding the highest free page below cursor.
    let head = -1;
    let order = 0;
    for (const a of zones) {
      const h = a.highestBelow(cursor);
      if (h > head) {
        head = h;
        order = a.foundOrder;
      }
    }
    if (head < 0) return -1;
    const runEnd = Math.min(head + 2 ** order, cursor);
    let runStart = head;
    for (;;) {
      const below = runStart > 0 ? areaOf(zones, runStart - 1) : undefined;
      const h = below === undefined ? -1 : below.containing(runStart - 1);
      if (h < 0) break;
      runStart = h;
    }
    if (runEnd - npages >= runStart) {
      const cand = Math.floor((runEnd - npages) / alignPages) * alignPages;
      if (cand >= runStart) return cand;
    }
    cursor = runStart;
  }
}

/**
 * Whether every page of [startPfn, endPfn) is free in the zone areas.
 *
 * @param zones - Zone free areas.
 * @param startPfn - First pfn.
 * @param endPfn - Exclusive end pfn.
 * @returns true when all pages are free.
 * @remarks Context: any.
 */
export function rangeIsFree(zones: readonly FreeArea[], startPfn: number, endPfn: number): boolean {
  let pfn = startPfn;
  while (pfn < endPfn) {
    const a = areaOf(zones, pfn);
    const h = a === undefined ? -1 : a.containing(pfn);
    if (h < 0 || a === undefined) return false;
    pfn = h + 2 ** a.foundOrder;
  }
  return true;
}

/**
 * Remove [startPfn, endPfn) from the zone areas' free blocks; every page must be free.
 *
 * @param zones - Zone free areas.
 * @param startPfn - First pfn.
 * @param endPfn - Exclusive end pfn.
 * @returns Nothing.
 * @remarks Context: any.
 */
export function carveRange(zones: readonly FreeArea[], startPfn: number, endPfn: number): void {
  for (const a of zones) {
    const s = Math.max(startPfn, a.startPfn);
    const e = Math.min(endPfn, a.endPfn);
    if (s < e) a.carve(s, e);
  }
}

/**
 * Give [startPfn, endPfn) back to the zone areas as free pages (with coalescing).
 *
 * @param zones - Zone free areas.
 * @param startPfn - First pfn.
 * @param endPfn - Exclusive end pfn.
 * @returns Nothing.
 * @remarks Context: any.
 */
export function releaseRange(zones: readonly FreeArea[], startPfn: number, endPfn: number): void {
  for (const a of zones) {
    const s = Math.max(startPfn, a.startPfn);
    const e = Math.min(endPfn, a.endPfn);
    if (s < e) a.releaseRange(s, e);
  }
}
