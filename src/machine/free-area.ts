/**
 * One buddy free area: the free blocks of one zone (or of the CMA region), one
 * BitTree per order indexed by (pfn - base) >> order, like the kernel's
 * `zone->free_area[order]` but ordered by address instead of by list position.
 *
 * Allocation takes the smallest order that has a free block and, within it,
 * the lowest address; splitting keeps the lower half and frees the upper
 * halves, as the kernel's expand() does. Freeing coalesces with the buddy while
 * the buddy is free at the same order.
 *
 * @module
 */
import { BitTree } from './bit-tree.js';
import { MAX_ORDER, MAX_ORDER_NR_PAGES } from './constants.js';

/** The free blocks of one pfn range. Page frame numbers stay below 2^28. */
export class FreeArea {
  /** First pfn covered. */
  readonly startPfn: number;
  /** Exclusive end pfn. */
  readonly endPfn: number;
  /** Free blocks per order (the line of /proc/buddyinfo). */
  readonly nrFree: Float64Array;
  /** Free pages in total. */
  freePages = 0;
  /** Order of the block found by the last containing() call. */
  foundOrder = -1;
  private readonly base: number;
  private readonly trees: BitTree[];

  /**
   * Create an empty free area; pages become free through release().
   *
   * @param startPfn - First pfn.
   * @param endPfn - Exclusive end pfn (>= startPfn).
   * @remarks Context: any. Allocates about (endPfn - startPfn) / 4 bytes.
   */
  constructor(startPfn: number, endPfn: number) {
    this.startPfn = startPfn;
    this.endPfn = endPfn;
    // Indices are relative to a max-order-aligned base, so buddies are aligned in absolute pfns.
    this.base = startPfn - (startPfn % MAX_ORDER_NR_PAGES);
    this.nrFree = new Float64Array(MAX_ORDER + 1);
    this.trees = [];
    const span = Math.max(0, endPfn - this.base);
    for (let k = 0; k <= MAX_ORDER; k++) this.trees.push(new BitTree(Math.ceil(span / 2 ** k)));
  }

  /**
   * Whether a free block of exactly this order starts at pfn.
   *
   * @param pfn - Page frame number.
   * @param order - 0..MAX_ORDER.
   * @returns true when pfn heads a free block of that order.
   * @remarks Context: any. Hot path.
   */
  isFreeHead(pfn: number, order: number): boolean {
    const rel = pfn - this.base;
    if (rel < 0 || rel % 2 ** order !== 0) return false;
    return this.trees[order]!.has(rel / 2 ** order);
  }

  /**
   * Take a block: the smallest order >= the requested one that has a free
   * block, lowest address first, split down to the requested order.
   *
   * @param order - 0..MAX_ORDER.
   * @returns First pfn of the block, or -1 when no free block is large enough.
   * @remarks Context: any (caller holds the zone lock). Hot path: no allocation.
   */
  take(order: number): number {
    for (let k = order; k <= MAX_ORDER; k++) {
      if (this.nrFree[k] === 0) continue;
      const idx = this.trees[k]!.first();
      const pfn = this.base + idx * 2 ** k;
      this.unlink(pfn, k);
      for (let j = k - 1; j >= order; j--) this.link(pfn + 2 ** j, j);
      return pfn;
    }
    return -1;
  }

  /**
   * Return a block, coalescing with free buddies.
   *
   * @param pfn - First pfn, aligned to the order.
   * @param order - 0..MAX_ORDER.
   * @returns The order of the block finally linked (after coalescing).
   * @remarks Context: any (caller holds the zone lock). Hot path: no allocation.
   */
  release(pfn: number, order: number): number {
    let head = pfn;
    let k = order;
    while (k < MAX_ORDER) {
      const size = 2 ** k;
      const lower = ((head - this.base) / size) % 2 === 0;
      const buddy = lower ? head + size : head - size;
      if (buddy < this.startPfn || buddy + size > this.endPfn || !this.isFreeHead(buddy, k)) break;
      this.unlink(buddy, k);
      if (!lower) head = buddy;
      k++;
    }
    this.link(head, k);
    return k;
  }

  /**
   * Free the pages of [startPfn, endPfn) as the largest aligned blocks that fit,
   * coalescing with free neighbours.
   *
   * @param startPfn - First pfn.
   * @param endPfn - Exclusive end pfn.
   * @returns Nothing.
   * @remarks Context: any.
   */
  releaseRange(startPfn: number, endPfn: number): void {
    let pfn = startPfn;
    while (pfn < endPfn) {
      let k = MAX_ORDER;
      while (k > 0 && ((pfn - this.base) % 2 ** k !== 0 || pfn + 2 ** k > endPfn)) k--;
      this.release(pfn, k);
      pfn += 2 ** k;
    }
  }

  /**
   * The free block containing a page.
   *
   * @param pfn - Page frame number.
   * @returns The block's first pfn (its order in foundOrder), or -1 when the page is not free here.
   * @remarks Context: any. No allocation.
   */
  containing(pfn: number): number {
    if (pfn < this.startPfn || pfn >= this.endPfn) return -1;
    const rel = pfn - this.base;
    for (let k = 0; k <= MAX_ORDER; k++) {
      const head = pfn - (rel % 2 ** k);
      if (this.isFreeHead(head, k)) {
        this.foundOrder = k;
        return head;
      }
    }
    return -1;
  }

  /**
   * The free block with the highest first pfn below a bound.
   *
   * @param beforePfn - Exclusive bound on the block's first pfn.
   * @returns The block's first pfn (its order in foundOrder), or -1.
   * @remarks Context: any. No allocation.
   */
  highestBelow(beforePfn: number): number {
    let best = -1;
    const rel = beforePfn - this.base;
    for (let k = 0; k <= MAX_ORDER; k++) {
      if (this.nrFree[k] === 0) continue;
      const idx = this.trees[k]!.prev(Math.ceil(rel / 2 ** k));
      if (idx < 0) continue;
      const pfn = this.base + idx * 2 ** k;
      if (pfn > best) {
        best = pfn;
        this.foundOrder = k;
      }
    }
    return best;
  }

  /**
   * Remove every page of [startPfn, endPfn) from the free blocks; all of them must be free.
   *
   * @param startPfn - First pfn.
   * @param endPfn - Exclusive end pfn.
   * @returns Nothing.
   * @throws RangeError when a page in the range is not free here.
   * @remarks Context: any.
   */
  carve(startPfn: number, endPfn: number): void {
    let pfn = startPfn;
    while (pfn < endPfn) {
      const head = this.containing(pfn);
      if (head < 0) throw new RangeError(`Cannot carve pfn ${pfn}: the page is not free`);
      const end = head + 2 ** this.foundOrder;
      this.unlink(head, this.foundOrder);
      // The leftovers of one maximal free block never coalesce, so link them as they are.
      this.linkRange(head, startPfn);
      this.linkRange(endPfn, end);
      pfn = end;
    }
  }

  /**
   * Remove every free block, appending (pfn, order) pairs to a list.
   *
   * @param out - Receives pfn, order, pfn, order, ...
   * @returns The number of pages removed.
   * @remarks Context: any. Used by the fragmenter.
   */
  drain(out: number[]): number {
    const pages = this.freePages;
    for (let k = 0; k <= MAX_ORDER; k++) {
      const tree = this.trees[k]!;
      for (let idx = tree.first(); idx >= 0; idx = tree.next(idx + 1)) {
        const pfn = this.base + idx * 2 ** k;
        out.push(pfn, k);
        this.unlink(pfn, k);
      }
    }
    return pages;
  }

  private linkRange(startPfn: number, endPfn: number): void {
    let pfn = startPfn;
    while (pfn < endPfn) {
      let k = MAX_ORDER;
      while (k > 0 && ((pfn - this.base) % 2 ** k !== 0 || pfn + 2 ** k > endPfn)) k--;
      this.link(pfn, k);
      pfn += 2 ** k;
    }
  }

  private link(pfn: number, order: number): void {
    this.trees[order]!.add((pfn - this.base) / 2 ** order);
    this.nrFree[order] = this.nrFree[order]! + 1;
    this.freePages += 2 ** order;
  }

  private unlink(pfn: number, order: number): void {
    this.trees[order]!.delete((pfn - this.base) / 2 ** order);
    this.nrFree[order] = this.nrFree[order]! - 1;
    this.freePages -= 2 ** order;
  }
}
