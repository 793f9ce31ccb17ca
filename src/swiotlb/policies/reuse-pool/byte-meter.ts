/**
 * Memory accounting of a policy whose memory changes over time: bytes
 * reserved and in use, their peaks, and reserved bytes integrated over
 * simulated time (PolicyStats.reservedByteNs).
 *
 * @module
 */

/** Reserved and in-use bytes with peaks and a byte-nanosecond integral. */
export class ByteMeter {
  /** Bytes held now (in use and idle). */
  reserved = 0;
  peakReserved = 0;
  /** Bytes held by live mappings now. */
  inUse = 0;
  peakInUse = 0;
  #byteNs = 0;
  #t = 0;

  /**
   * Integrate up to `now`; call before every change. A time earlier than the
   * last one (callers on different clocks) adds nothing and is ignored.
   *
   * @param now - Simulated time (ns).
   * @returns Nothing.
   * @remarks Context: any. No allocation.
   */
  advance(now: number): void {
    if (now > this.#t) {
      this.#byteNs += this.reserved * (now - this.#t);
      this.#t = now;
    }
  }

  /**
   * Change the reserved bytes (after advance()).
   *
   * @param delta - Bytes added (negative: removed).
   * @returns Nothing.
   * @remarks Context: any.
   */
  addReserved(delta: number): void {
    this.reserved += delta;
    if (this.reserved > this.peakReserved) this.peakReserved = this.reserved;
  }

  /**
   * Change the in-use bytes.
   *
   * @param delta - Bytes added (negative: removed).
   * @returns Nothing.
   * @remarks Context: any.
   */
  addInUse(delta: number): void {
    this.inUse += delta;
    if (this.inUse > this.peakInUse) this.peakInUse = this.inUse;
  }

  /**
   * Reserved bytes integrated from time 0 to `now`, without changing the meter.
   *
   * @param now - Simulated time (ns).
   * @returns Byte-nanoseconds.
   * @remarks Context: any.
   */
  byteNs(now: number): number {
    return this.#byteNs + this.reserved * Math.max(0, now - this.#t);
  }
}
