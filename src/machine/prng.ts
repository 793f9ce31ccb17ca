/**
 * A small deterministic pseudo-random generator (mulberry32) for fragmentation
 * patterns, workloads and tests: the same seed always gives the same sequence.
 * Never use Math.random() in the model.
 *
 * @module
 */

/** A seeded generator of 32-bit values. One object per stream; not shared across runs. */
export class Prng {
  private state: number;

  /**
   * Create a generator.
   *
   * @param seed - Any integer; only its low 32 bits matter.
   * @remarks Context: any.
   */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`Cannot seed the PRNG with ${seed}: expected an integer`);
    this.state = seed >>> 0;
  }

  /**
   * Next value of the mulberry32 sequence.
   *
   * @returns An unsigned 32-bit integer.
   * @remarks Context: any. Hot path: no allocation.
   */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * Next value as a fraction.
   *
   * @returns A number in [0, 1) with 32 bits of randomness.
   * @remarks Context: any.
   */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /**
   * Next integer below a bound.
   *
   * @param bound - Exclusive upper bound, an integer in 1..2^32.
   * @returns An integer in [0, bound).
   * @remarks Context: any.
   */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 4294967296) {
      throw new RangeError(`Cannot draw an integer below ${bound}: expected a bound in 1..2^32`);
    }
    return Math.floor(this.nextFloat() * bound);
  }
}

/**
 * Create a seeded generator.
 *
 * @param seed - Any integer; only its low 32 bits matter.
 * @returns A new generator at the start of its sequence.
 * @remarks Context: any.
 */
export function createPrng(seed: number): Prng {
  return new Prng(seed);
}
