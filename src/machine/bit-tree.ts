/**
 * A set of small integers as a hierarchical bitmap: level 0 holds one bit per
 * member, each higher level one bit per non-zero word of the level below. The
 * buddy allocator keeps one per order, so "lowest free block" and "highest
 * free block below X" cost O(log32 n) instead of a scan of memory.
 *
 * Indices stay below 2^31, so 32-bit bit operations on them are exact.
 *
 * @module
 */

/** Index of the lowest set bit of a non-zero 32-bit word. */
function ctz(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/** Index of the highest set bit of a non-zero 32-bit word. */
function msb(word: number): number {
  return 31 - Math.clz32(word);
}

/** A set of integers in [0, size), ordered, with fast first/next/prev queries. */
export class BitTree {
  /** Exclusive upper bound of members. */
  readonly size: number;
  private readonly levels: Uint32Array[];

  /**
   * Create an empty set.
   *
   * @param size - Exclusive upper bound of members, 0..2^31 - 1.
   * @remarks Context: any. Allocates about size / 8 bytes.
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
      throw new RangeError(`Cannot create a bit tree of ${size} bits: expected 0..2^31 - 1`);
    }
    this.size = size;
    this.levels = [];
    let n = size;
    do {
      const words = Math.max(1, Math.ceil(n / 32));
      this.levels.push(new Uint32Array(words));
      n = words;
    } while (n > 1);
  }

  /**
   * Whether a value is a member.
   *
   * @param i - Candidate; out-of-range values are never members.
   * @returns true when present.
   * @remarks Context: any. Hot path.
   */
  has(i: number): boolean {
    if (!(i >= 0 && i < this.size)) return false;
    return (this.levels[0]![i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  /**
   * Add a member (no effect when present).
   *
   * @param i - Value in [0, size).
   * @returns Nothing.
   * @remarks Context: any. Hot path: no allocation.
   */
  add(i: number): void {
    const levels = this.levels;
    let idx = i;
    for (let l = 0; l < levels.length; l++) {
      const words = levels[l]!;
      const w = idx >>> 5;
      const before = words[w]!;
      words[w] = before | (1 << (idx & 31));
      if (before !== 0) return;
      idx = w;
    }
  }

  /**
   * Remove a member (no effect when absent).
   *
   * @param i - Value in [0, size).
   * @returns Nothing.
   * @remarks Context: any. Hot path: no allocation.
   */
  delete(i: number): void {
    const levels = this.levels;
    let idx = i;
    for (let l = 0; l < levels.length; l++) {
      const words = levels[l]!;
      const w = idx >>> 5;
      const after = words[w]! & ~(1 << (idx & 31));
      words[w] = after;
      if (after !== 0) return;
      idx = w;
    }
  }

  /**
   * Smallest member at or above a value.
   *
   * @param from - Lower bound (inclusive); negative means 0.
   * @returns The member, or -1 when there is none.
   * @remarks Context: any. Hot path: no allocation.
   */
  next(from: number): number {
    const levels = this.levels;
    let idx = from < 0 ? 0 : from;
    if (idx >= this.size) return -1;
    let l = 0;
    for (;;) {
      if (l >= levels.length) return -1;
      const words = levels[l]!;
      const w = idx >>> 5;
      if (w >= words.length) return -1;
      const bits = words[w]! & (-1 << (idx & 31));
      if (bits !== 0) {
        idx = (w << 5) + ctz(bits);
        break;
      }
      idx = w + 1;
      l++;
    }
    while (l > 0) {
      l--;
      idx = (idx << 5) + ctz(levels[l]![idx]!);
    }
    return idx;
  }

  /**
   * Smallest member.
   *
   * @returns The member, or -1 when the set is empty.
   * @remarks Context: any. Hot path: no allocation.
   */
  first(): number {
    return this.next(0);
  }

  /**
   * Largest member strictly below a value.
   *
   * @param before - Upper bound (exclusive); values above size mean size.
   * @returns The member, or -1 when there is none.
   * @remarks Context: any. No allocation.
   */
  prev(before: number): number {
    const levels = this.levels;
    let idx = Math.min(before, this.size) - 1;
    if (idx < 0) return -1;
    let l = 0;
    for (;;) {
      if (l >= levels.length) return -1;
      const w = idx >>> 5;
      const b = idx & 31;
      const mask = b === 31 ? -1 : (1 << (b + 1)) - 1;
      const bits = levels[l]![w]! & mask;
      if (bits !== 0) {
        idx = (w << 5) + msb(bits);
        break;
      }
      if (w === 0) return -1;
      idx = w - 1;
      l++;
    }
    while (l > 0) {
      l--;
      idx = (idx << 5) + msb(levels[l]![idx]!);
    }
    return idx;
  }
}
