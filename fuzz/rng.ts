/**
 * Deterministic randomness for the fuzzer: one PRNG per case, seeded from
 * (run seed, target, case index), so any case can be regenerated on its own
 * (after a hang, or with `--case`) and the same seed always gives the same run.
 *
 * @module
 */
import { Prng } from '../src/machine/prng.js';

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed of one case.
 *
 * @param seed - Run seed (`--seed`).
 * @param salt - Target number (distinct per target).
 * @param index - Case index within the target, from 0.
 * @returns A 32-bit seed.
 * @remarks Context: any.
 */
export function caseSeed(seed: number, salt: number, index: number): number {
  return fmix32(fmix32(fmix32(seed >>> 0) ^ Math.imul(salt + 1, 0x9e3779b1)) ^ fmix32(index + 0x632be5ab));
}

/** A small PRNG API over src/machine/prng.ts (mulberry32). */
export class Rng {
  private readonly prng: Prng;

  /**
   * @param seed - A 32-bit seed.
   */
  constructor(seed: number) {
    this.prng = new Prng(seed >>> 0);
  }

  /**
   * A uniform integer in [0, n).
   *
   * @param n - Bound, 1..2^32.
   * @returns The integer.
   * @remarks Context: any.
   */
  int(n: number): number {
    return this.prng.nextInt(Math.max(1, Math.min(n, 4294967296)));
  }

  /**
   * A uniform integer in [lo, hi].
   *
   * @param lo - Lowest value.
   * @param hi - Highest value (>= lo).
   * @returns The integer.
   * @remarks Context: any.
   */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /**
   * A biased coin.
   *
   * @param p - Probability of true.
   * @returns true with probability p.
   * @remarks Context: any.
   */
  bool(p = 0.5): boolean {
    return this.prng.nextFloat() < p;
  }

  /**
   * A uniform element.
   *
   * @param items - A non-empty list.
   * @returns One of its elements.
   * @remarks Context: any.
   */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /**
   * An element drawn by weight.
   *
   * @param pairs - `[weight, value]` pairs, weights > 0.
   * @returns The chosen value.
   * @remarks Context: any.
   */
  weighted<T>(pairs: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of pairs) total += w;
    let x = this.prng.nextFloat() * total;
    for (const [w, v] of pairs) {
      x -= w;
      if (x < 0) return v;
    }
    return pairs[pairs.length - 1]![1];
  }

  /**
   * A small count skewed towards low values (most mutations stay small).
   *
   * @param max - Largest value.
   * @returns 1..max.
   * @remarks Context: any.
   */
  small(max: number): number {
    let n = 1;
    while (n < max && this.bool(0.45)) n++;
    return n;
  }
}
