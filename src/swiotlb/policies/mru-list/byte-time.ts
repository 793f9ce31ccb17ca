/**
 * A byte count over simulated time: its current value, its peak, and its
 * integral (byte-nanoseconds), as PolicyStats reports reserved memory.
 *
 * @module
 */

/** A piecewise-constant byte count integrated over `now`. */
export class ByteTime {
  /** Bytes now. */
  value: number;
  /** Highest value seen. */
  peak: number;
  #integral = 0;
  #last = 0;

  /**
   * Start at a value at time 0.
   *
   * @param initial - Bytes at time 0.
   * @remarks Context: any.
   */
  constructor(initial = 0) {
    this.value = initial;
    this.peak = initial;
  }

  /**
   * Change the value at a time. A time earlier than the last change counts as the last change (no negative spans).
   *
   * @param now - Simulated time in nanoseconds.
   * @param value - New byte count.
   * @remarks Context: any. No allocation.
   */
  set(now: number, value: number): void {
    if (now > this.#last) {
      this.#integral += this.value * (now - this.#last);
      this.#last = now;
    }
    this.value = value;
    if (value > this.peak) this.peak = value;
  }

  /**
   * The integral up to a time.
   *
   * @param now - Simulated time in nanoseconds.
   * @returns Byte-nanoseconds from 0 to max(now, last change).
   * @remarks Context: any.
   */
  integralAt(now: number): number {
    return this.#integral + (now > this.#last ? this.value * (now - this.#last) : 0);
  }
}
