/**
 * The reserved (memblock) page ranges of a machine: a short sorted list of
 * disjoint, non-adjacent [start, end) pfn intervals. Boot reservations are few,
 * so a plain array is the right structure.
 *
 * @module
 */

/** Disjoint pfn intervals with a page count. */
export class ReservedRanges {
  /** Starts and ends, interleaved: start0, end0, start1, end1, ... sorted. */
  private readonly bounds: number[] = [];
  /** Pages covered by all intervals. */
  pages = 0;

  /**
   * Add an interval that overlaps none of the present ones; adjacent ones merge.
   *
   * @param start - First pfn.
   * @param end - Exclusive end pfn (> start).
   * @returns Nothing.
   * @throws RangeError when the interval overlaps a reserved one.
   * @remarks Context: any.
   */
  add(start: number, end: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && b[i + 1]! <= start) i += 2;
    if (i < b.length && b[i]! < end && b[i + 1]! > start) {
      throw new RangeError(`Cannot reserve pfns [${start}, ${end}): they overlap a reserved range`);
    }
    b.splice(i, 0, start, end);
    this.pages += end - start;
    // Merge with the neighbours when they touch.
    if (i + 2 < b.length && b[i + 1] === b[i + 2]) b.splice(i + 1, 2);
    if (i > 0 && b[i - 1] === b[i]) b.splice(i - 1, 2);
  }

  /**
   * Remove an interval that lies inside one reserved interval (splitting it).
   *
   * @param start - First pfn.
   * @param end - Exclusive end pfn (> start).
   * @returns true when removed; false when [start, end) is not entirely reserved.
   * @remarks Context: any.
   */
  remove(start: number, end: number): boolean {
    const b = this.bounds;
    for (let i = 0; i < b.length; i += 2) {
      const s = b[i]!;
      const e = b[i + 1]!;
      if (start < s || end > e) continue;
      const keep: number[] = [];
      if (s < start) keep.push(s, start);
      if (end < e) keep.push(end, e);
      b.splice(i, 2, ...keep);
      this.pages -= end - start;
      return true;
    }
    return false;
  }

  /**
   * The intervals as pfn pairs.
   *
   * @returns A copy: [[start, end), ...] sorted.
   * @remarks Context: any.
   */
  list(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.bounds.length; i += 2) out.push([this.bounds[i]!, this.bounds[i + 1]!]);
    return out;
  }
}
