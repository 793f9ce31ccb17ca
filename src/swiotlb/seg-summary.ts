/**
 * Per-segment summary of free runs: for each 128-slot segment an upper bound
 * of its longest free run (the largest `list` value in it), kept in a max tree
 * so the search can jump over segments that cannot hold a request.
 *
 * Commit may leave a bound stale-high (it only shrinks runs); the search
 * tightens a bound when it finds no fit in that segment. Release only grows
 * runs, so it raises the bound to the merged run length and keeps it exact.
 *
 * @module
 */

/** A max tree over segment bounds with an "exact" flag per segment. */
export class SegmentSummary {
  /** Number of segments summarised. */
  readonly nseg: number;
  readonly #size: number;
  readonly #tree: Uint8Array;
  /** 1 where the segment's bound equals its longest free run, 0 where it may be stale-high. */
  readonly exact: Uint8Array;

  /**
   * @param nseg - Number of segments.
   */
  constructor(nseg: number) {
    this.nseg = nseg;
    let size = 1;
    while (size < nseg) size *= 2;
    this.#size = size;
    this.#tree = new Uint8Array(2 * size);
    this.exact = new Uint8Array(nseg);
  }

  /**
   * Current bound of one segment.
   *
   * @param seg - Segment number.
   * @returns The bound (0..128).
   * @remarks Context: any (caller holds the area lock).
   */
  bound(seg: number): number {
    return this.#tree[this.#size + seg]!;
  }

  /**
   * Set a segment's bound and refresh the tree above it.
   *
   * @param seg - Segment number.
   * @param value - New bound (0..128).
   * @param exact - Whether the value is exact.
   * @remarks Context: any (caller holds the area lock).
   */
  set(seg: number, value: number, exact: boolean): void {
    this.exact[seg] = exact ? 1 : 0;
    const t = this.#tree;
    let i = this.#size + seg;
    if (t[i] === value) return;
    t[i] = value;
    i >>= 1;
    while (i >= 1) {
      const l = t[2 * i]!;
      const r = t[2 * i + 1]!;
      const m = l > r ? l : r;
      if (t[i] === m) break;
      t[i] = m;
      i >>= 1;
    }
  }

  /**
   * Raise a segment's bound to at least `value` (after a release merged a run).
   *
   * @param seg - Segment number.
   * @param value - Length of the merged free run.
   * @remarks Context: any (caller holds the area lock).
   */
  raise(seg: number, value: number): void {
    if (value > this.bound(seg)) this.set(seg, value, this.exact[seg] === 1);
  }

  /**
   * First segment in [from, to) whose bound is at least n.
   *
   * @param from - First segment to consider.
   * @param to - One past the last segment to consider.
   * @param n - Slots wanted.
   * @returns The segment number, or -1 if none.
   * @remarks Context: any. O(log nseg).
   */
  nextAtLeast(from: number, to: number, n: number): number {
    if (from >= to) return -1;
    const t = this.#tree;
    const size = this.#size;
    let i = size + from;
    if (t[i]! >= n) return from;
    for (;;) {
      while ((i & 1) === 1) {
        i >>= 1;
        if (i <= 1) return -1;
      }
      i += 1;
      if (t[i]! >= n) {
        while (i < size) i = t[2 * i]! >= n ? 2 * i : 2 * i + 1;
        const seg = i - size;
        return seg < to ? seg : -1;
      }
    }
  }
}
