/**
 * The simulation's event queue: a binary min-heap on (time, sequence) so
 * events at the same instant run in the order they were scheduled. Times and
 * sequences live in typed arrays; payloads are small integers the caller
 * interprets (no allocation per event).
 *
 * @module
 */

/** A min-heap of (time, seq, kind, ref) events. */
export class EventQueue {
  #time: Float64Array;
  #seq: Float64Array;
  #kind: Int32Array;
  #ref: Int32Array;
  #size = 0;
  #nextSeq = 0;

  /**
   * @param capacity - Initial capacity (grows as needed).
   */
  constructor(capacity = 1024) {
    this.#time = new Float64Array(capacity);
    this.#seq = new Float64Array(capacity);
    this.#kind = new Int32Array(capacity);
    this.#ref = new Int32Array(capacity);
  }

  /** Events waiting. */
  get size(): number {
    return this.#size;
  }

  /**
   * Schedule an event.
   *
   * @param time - Simulated time (ns).
   * @param kind - Event kind (caller-defined).
   * @param ref - Payload reference (caller-defined index).
   * @remarks Context: simulation loop.
   */
  push(time: number, kind: number, ref: number): void {
    if (this.#size === this.#time.length) this.#grow();
    let i = this.#size++;
    const seq = this.#nextSeq++;
    const t = this.#time;
    const q = this.#seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < time || (pt === time && q[parent]! < seq)) break;
      t[i] = pt;
      q[i] = q[parent]!;
      this.#kind[i] = this.#kind[parent]!;
      this.#ref[i] = this.#ref[parent]!;
      i = parent;
    }
    t[i] = time;
    q[i] = seq;
    this.#kind[i] = kind;
    this.#ref[i] = ref;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.#size === 0 ? Infinity : this.#time[0]!;
  }

  /** Kind of the earliest event (read before pop()). */
  peekKind(): number {
    return this.#kind[0]!;
  }

  /** Payload of the earliest event (read before pop()). */
  peekRef(): number {
    return this.#ref[0]!;
  }

  /**
   * Remove the earliest event.
   *
   * @remarks Context: simulation loop.
   */
  pop(): void {
    const n = --this.#size;
    if (n === 0) return;
    const t = this.#time;
    const q = this.#seq;
    const lt = t[n]!;
    const lq = q[n]!;
    const lk = this.#kind[n]!;
    const lr = this.#ref[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (t[r]! < t[c]! || (t[r] === t[c] && q[r]! < q[c]!))) c = r;
      if (lt < t[c]! || (lt === t[c] && lq < q[c]!)) break;
      t[i] = t[c]!;
      q[i] = q[c]!;
      this.#kind[i] = this.#kind[c]!;
      this.#ref[i] = this.#ref[c]!;
      i = c;
    }
    t[i] = lt;
    q[i] = lq;
    this.#kind[i] = lk;
    this.#ref[i] = lr;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, new Float64Array(n));
    this.#seq = grow(this.#seq, new Float64Array(n));
    this.#kind = grow(this.#kind, new Int32Array(n));
    this.#ref = grow(this.#ref, new Int32Array(n));
  }
}
