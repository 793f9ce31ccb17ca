/**
 * One event kind's FIFO for the event queue: a ring of (time, seq, ref) in
 * schedule order, used while each event is no earlier than the one before.
 *
 * @module
 */

/** A growable ring of events of one kind, sorted by (time, seq) by construction. */
export class EventLane {
  #time = new Float64Array(16);
  #seq = new Float64Array(16);
  #ref = new Int32Array(16);
  #head = 0;
  /** Events in the lane. */
  count = 0;
  /** Time of the last event appended (the lane's tail). */
  lastTime = -Infinity;

  /**
   * Append an event; the caller guarantees time >= lastTime (or an empty lane).
   *
   * @param time - Simulated time (ns).
   * @param seq - The queue's sequence number (larger than every queued one).
   * @param ref - Payload.
   * @remarks Context: simulation loop.
   */
  append(time: number, seq: number, ref: number): void {
    if (this.count === this.#time.length) this.#grow();
    const i = (this.#head + this.count) & (this.#time.length - 1);
    this.#time[i] = time;
    this.#seq[i] = seq;
    this.#ref[i] = ref;
    this.count++;
    this.lastTime = time;
  }

  /** Drop the head event (the lane must not be empty). */
  shift(): void {
    this.#head = (this.#head + 1) & (this.#time.length - 1);
    this.count--;
  }

  /** Time of the head event. */
  headTime(): number {
    return this.#time[this.#head]!;
  }

  /** Sequence number of the head event. */
  headSeq(): number {
    return this.#seq[this.#head]!;
  }

  /** Payload of the head event. */
  headRef(): number {
    return this.#ref[this.#head]!;
  }

  /** Double the ring (a power of two), unrolling it to start at 0. */
  #grow(): void {
    const n = this.#time.length;
    const unroll = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      for (let k = 0; k < this.count; k++) b[k] = a[(this.#head + k) & (n - 1)]!;
      return b;
    };
    this.#time = unroll(this.#time, new Float64Array(2 * n));
    this.#seq = unroll(this.#seq, new Float64Array(2 * n));
    this.#ref = unroll(this.#ref, new Int32Array(2 * n));
    this.#head = 0;
  }
}
