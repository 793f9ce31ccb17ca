/**
 * The occupancy bitmap of a pool: bit i is set when slot i is held (or, in a
 * pool whose free runs are clamped to its end, when slot i lies past the end).
 *
 * The kernel keeps `list[i]`, the length of the free run from slot i to the
 * next held slot or the end of i's 128-slot segment, and renumbers the free
 * slots before an allocation or release one by one. Every value of `list` the
 * kernel can reach through valid calls is a function of which slots are
 * held, so the model stores the bitmap and derives `list` in O(1) (a few
 * 32-bit word operations), with identical decisions and no renumbering walks.
 *
 * @module
 */

/** Slots per segment, as a shift and a mask. */
const SEG_SHIFT = 7;

/**
 * Count trailing zeros of a non-zero 32-bit word.
 *
 * @param x - Non-zero int32.
 * @returns Index of the lowest set bit.
 * @remarks Context: any.
 */
export function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * `list[g]`: free slots from g to the next held slot or the segment end (0 when g is held).
 *
 * @param bits - Occupancy bitmap.
 * @param g - Slot index (>= 0).
 * @returns The free-run length from g.
 * @remarks Context: any. Hot path.
 */
export function freeRunAt(bits: Int32Array, g: number): number {
  const segEnd = ((g >> SEG_SHIFT) + 1) << SEG_SHIFT;
  const lastWord = (segEnd >> 5) - 1;
  let w = g >> 5;
  let word = bits[w]! & (-1 << (g & 31));
  while (word === 0) {
    if (w === lastWord) return segEnd - g;
    word = bits[++w]!;
  }
  return (w << 5) + ctz32(word) - g;
}

/**
 * Free slots immediately before g in g's segment (the run the kernel renumbers backwards).
 *
 * @param bits - Occupancy bitmap.
 * @param g - Slot index (>= 0).
 * @returns How many slots before g, down to the segment start, are free.
 * @remarks Context: any.
 */
export function freeRunBefore(bits: Int32Array, g: number): number {
  const segStart = (g >> SEG_SHIFT) << SEG_SHIFT;
  if (g === segStart) return 0;
  const firstWord = segStart >> 5;
  let w = (g - 1) >> 5;
  const bit = (g - 1) & 31;
  let word = bit === 31 ? bits[w]! : bits[w]! & ((1 << (bit + 1)) - 1);
  while (word === 0) {
    if (w === firstWord) return g - segStart;
    word = bits[--w]!;
  }
  return g - ((w << 5) + (31 - Math.clz32(word))) - 1;
}

/**
 * Set or clear n bits from g.
 *
 * @param bits - Occupancy bitmap.
 * @param g - First slot.
 * @param n - Slots (>= 1).
 * @param held - true to set, false to clear.
 * @remarks Context: any.
 */
export function markSlots(bits: Int32Array, g: number, n: number, held: boolean): void {
  let i = g;
  const end = g + n;
  while (i < end) {
    const w = i >> 5;
    const lo = i & 31;
    const span = Math.min(32 - lo, end - i);
    const mask = span === 32 ? -1 : ((1 << span) - 1) << lo;
    if (held) bits[w]! |= mask;
    else bits[w]! &= ~mask;
    i += span;
  }
}

/**
 * Longest free run in a segment.
 *
 * @param bits - Occupancy bitmap.
 * @param seg - Segment number.
 * @returns 0..128.
 * @remarks Context: any.
 */
export function longestFreeRun(bits: Int32Array, seg: number): number {
  const start = seg << SEG_SHIFT;
  const end = start + (1 << SEG_SHIFT);
  let max = 0;
  let i = start;
  while (i < end) {
    const w = i >> 5;
    const held = (bits[w]! >>> (i & 31)) & 1;
    if (held === 1) {
      // skip the run of held slots in this word
      const free = ~bits[w]! & (-1 << (i & 31));
      i = free === 0 ? (w + 1) << 5 : (w << 5) + ctz32(free);
      continue;
    }
    const r = freeRunAt(bits, i);
    if (r > max) max = r;
    i += r;
  }
  return max;
}
