/**
 * Mutations that keep a trace parseable but change what it means, to reach
 * the replay engine's decisions: another CPU column (calls move between the
 * per-CPU stacks), other slots, sizes, masks, directions, return addresses
 * and pool geometries.
 *
 * @module
 */
import type { Rng } from '../rng.js';

/** 2^28 slots: a pool line this large takes seconds and gigabytes to build (reported as a hang). */
export const BIG_POOL_PROBE = 2 ** 28;

/** Typed values per field, most of them plausible, some on the edges. */
function semanticValue(rng: Rng, key: string, poolStart: number): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  switch (key) {
    case 'slot': case 'aindex': case 'aused': case 'a0_used': case 'a0_index': case 'a1_used': case 'a1_index':
      return String(rng.weighted([[6, rng.int(65536)], [1, rng.pick([0, 127, 128, 16383, 16384, 32767, 32768, 65535, 2 ** 31 - 1])]]));
    case 'nslots': return String(rng.weighted([[6, rng.range(1, 130)], [1, rng.pick([0, 128, 129, 256, 4097, 65536])]]));
    case 'area': return String(rng.pick([0, 1, 2, 3, 4, 7, 64, 2 ** 31]));
    case 'msz': case 'asz': case 'size':
      return String(rng.pick([0, 1, 512, 2048, 2049, 4096, 65536, 262144, 262145, 2 ** 31, 2 ** 32, 2 ** 52]));
    case 'dir': return String(rng.pick([0, 1, 2, 3, 4, 7]));
    case 'attrs': return hex(rng.pick([0, 0x20, 0x100, 0x200, 0x800, 0xffff]));
    case 'amask': case 'minalign': return hex(rng.pick([0, 0x7ff, 0xfff, 0x1fff, 0xffff, 0x1ffff, 0x7fffffff]));
    case 'segbnd': return hex(rng.pick([0, 0x7ff, 0xfff, 0xffff, 0xffffffff, 0xfffffffffff]));
    case 'ret': case 'tlb':
      return rng.bool(0.8) ? hex(poolStart + rng.int(70000) * 2048 + rng.pick([0, 0, 0, 1, 0x800, 0xfff])) : rng.pick(['0xffffffffffffffff', '0x0', hex(poolStart - 2048)]);
    case 'orig': return hex(rng.int(2 ** 36) * rng.pick([1, 512, 4096]));
    case 'nslabs': return String(rng.weighted([[8, rng.pick([128, 256, 1024, 8192, 32768, 65536, 2 ** 20])], [1, rng.pick([0, 3, 100, 2 ** 31, 2 ** 32])], [0.02, BIG_POOL_PROBE]]));
    case 'nareas': return String(rng.pick([0, 1, 2, 3, 4, 8, 64, 128, 256, 1024]));
    case 'start': return hex(rng.pick([0, 0x800, 0x7ff, 0x79900000, 0x75800000, 2 ** 52, 2 ** 53 - 2048]));
    default: return String(rng.int(100));
  }
}

const KEYS = ['slot', 'nslots', 'area', 'aindex', 'aused', 'msz', 'asz', 'size', 'dir', 'attrs', 'amask', 'minalign', 'segbnd', 'ret', 'tlb', 'orig', 'nslabs', 'nareas', 'start', 'a0_used', 'a0_index'];

/**
 * Change one field's value to another value of the right type.
 *
 * @param rng - Case PRNG.
 * @param line - A trace line.
 * @param poolStart - The pool's start, to aim addresses at slots.
 * @returns The line (unchanged when it has no such field).
 * @remarks Context: any.
 */
export function retypeField(rng: Rng, line: string, poolStart: number): string {
  const present = KEYS.filter((k) => line.includes(` ${k}=`));
  if (present.length === 0) return line;
  const key = rng.pick(present);
  return line.replace(new RegExp(` ${key}=[^ ]*`), ` ${key}=${semanticValue(rng, key, poolStart)}`);
}

/**
 * Move a line to another CPU column.
 *
 * @param rng - Case PRNG.
 * @param line - A trace line.
 * @returns The line with another `[cpu]`.
 * @remarks Context: any.
 */
export function moveCpu(rng: Rng, line: string): string {
  return line.replace(/\[\d+\]/, `[${String(rng.pick([0, 1, 2, 3, 63, 4095])).padStart(3, '0')}]`);
}

/**
 * Apply a few meaning-changing edits to a list of lines, in place.
 *
 * @param rng - Case PRNG.
 * @param lines - The lines.
 * @param poolStart - The pool's start.
 * @returns Names of the edits made.
 * @remarks Context: any.
 */
export function semanticEdits(rng: Rng, lines: string[], poolStart: number): string[] {
  const ops: string[] = [];
  const n = rng.weighted([[2, 0], [4, 1], [2, rng.range(2, 4)], [1, rng.range(5, 30)]]);
  for (let k = 0; k < n && lines.length > 0; k++) {
    const i = rng.int(lines.length);
    if (rng.bool(0.75)) {
      lines[i] = retypeField(rng, lines[i]!, poolStart);
      ops.push('retype');
    } else {
      lines[i] = moveCpu(rng, lines[i]!);
      ops.push('move-cpu');
    }
  }
  return ops;
}

/**
 * Slot counts of `nslabs=` fields in a text that would build a pool too big to fuzz
 * (more than BIG_POOL_PROBE slots but still accepted): the case is skipped, see
 * the known bug on eager pool allocation.
 *
 * @param text - Trace text.
 * @param above - Slot count above which a pool counts as huge.
 * @returns true when the text asks for such a pool.
 * @remarks Context: any.
 */
export function asksForHugePool(text: string, above = BIG_POOL_PROBE): boolean {
  for (const m of text.matchAll(/nslabs=(0[xX][0-9a-fA-F]+|\d+)/g)) {
    const n = Number(m[1]);
    if (n > above && n <= 0x7fffffff) return true;
  }
  return false;
}
