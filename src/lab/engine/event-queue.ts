/**
 * The simulation's event queue: events come out by (time, sequence), so
 * events at the same instant run in the order they were scheduled. Events
 * live in typed arrays; payloads are small integers the caller interprets
 * (no allocation per event).
 *
 * Three places hold events, and the order is exactly that of one heap:
 * - a **lane** per kind: a FIFO of the kind's events while each is scheduled
 *   no earlier than the one before (a device's completions, a sampler). Only
 *   a lane's head sits in the heap, so the heap stays as small as the number
 *   of busy lanes instead of the number of requests in flight;
 * - a binary **min-heap** of lane heads and of events that arrived out of
 *   their lane's order;
 * - a **front** slot for an event earlier than everything else (a completion
 *   starting the next request): no sift at all.
 *
 * @module
 */
import { EventLane } from './event-lane.js';

/** Kinds below this get a lane; others always go to the heap. */
const MAX_LANES = 1024;

/**
 * A heap entry is four numbers side by side in one array, so moving an entry
 * touches one cache line: time, sequence, kind * 2 + (1 when it is the head
 * of its kind's lane), and the payload.
 */
const STRIDE = 4;
const T = 0;
const Q = 1;
const KH = 2;
const R = 3;

/** A priority queue of (time, seq, kind, ref) events. */
export class EventQueue {
  #h: Float64Array;
  #heapSize = 0;
  #count = 0;
  #nextSeq = 0;
  readonly #lanes: (EventLane | undefined)[] = [];
  /** The front event, earlier (by time, then sequence) than every other event; valid when #hasFront. */
  #hasFront = false;
  #fTime = 0;
  #fSeq = 0;
  #fKind = 0;
  #fRef = 0;

  /**
   * @param capacity - Initial heap capacity (grows as needed).
   */
  constructor(capacity = 64) {
    this.#h = new Float64Array(Math.max(1, capacity) * STRIDE);
  }

  /** Events waiting. */
  get size(): number {
    return this.#count;
  }

  /**
   * Schedule an event.
   *
   * @param time - Simulated time (ns).
   * @param kind - Event kind (caller-defined, a non-negative integer below 2^30).
   * @param ref - Payload reference (caller-defined; kept as an int32).
   * @remarks Context: simulation loop. No allocation once the lanes and heap have grown to the run's needs.
   */
  push(time: number, kind: number, ref: number): void {
    const seq = this.#nextSeq++;
    this.#count++;
    ref |= 0;
    const lane = kind < MAX_LANES ? (this.#lanes[kind] ?? this.#newLane(kind)) : undefined;
    // In lane order (no earlier than the lane's last event): queue behind the lane's head.
    if (lane !== undefined && lane.count > 0 && time >= lane.lastTime) {
      lane.append(time, seq, ref);
      return;
    }
    if (this.#isEarliest(time)) {
      if (this.#hasFront) this.#heapPush(this.#fTime, this.#fSeq, this.#fKind * 2, this.#fRef);
      this.#hasFront = true;
      this.#fTime = time;
      this.#fSeq = seq;
      this.#fKind = kind;
      this.#fRef = ref;
      return;
    }
    if (lane !== undefined && lane.count === 0) {
      lane.append(time, seq, ref);
      this.#heapPush(time, seq, kind * 2 + 1, ref);
      return;
    }
    this.#heapPush(time, seq, kind * 2, ref);
  }

  /** Whether an event at `time` scheduled now comes before every queued event (ties go to the older event). */
  #isEarliest(time: number): boolean {
    if (this.#hasFront) return time < this.#fTime;
    return this.#heapSize === 0 || time < this.#h[T]!;
  }

  #newLane(kind: number): EventLane {
    const lane = new EventLane();
    this.#lanes[kind] = lane;
    return lane;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    if (this.#hasFront) return this.#fTime;
    return this.#heapSize === 0 ? Infinity : this.#h[T]!;
  }

  /** Kind of the earliest event (read before pop()). */
  peekKind(): number {
    return this.#hasFront ? this.#fKind : this.#h[KH]! >> 1;
  }

  /** Payload of the earliest event (read before pop()). */
  peekRef(): number {
    return this.#hasFront ? this.#fRef : this.#h[R]!;
  }

  /**
   * Remove the earliest event.
   *
   * @remarks Context: simulation loop.
   */
  pop(): void {
    if (this.#hasFront) {
      this.#hasFront = false;
      this.#count--;
      return;
    }
    if (this.#heapSize === 0) return;
    this.#count--;
    const h = this.#h;
    const kh = h[KH]!;
    if ((kh & 1) === 1) {
      const lane = this.#lanes[kh >> 1]!;
      lane.shift();
      if (lane.count > 0) {
        // The lane's next event takes the root's place.
        this.#siftDown(lane.headTime(), lane.headSeq(), kh, lane.headRef(), this.#heapSize);
        return;
      }
    }
    const n = --this.#heapSize;
    if (n > 0) {
      const last = n * STRIDE;
      this.#siftDown(h[last + T]!, h[last + Q]!, h[last + KH]!, h[last + R]!, n);
    }
  }

  #heapPush(time: number, seq: number, kh: number, ref: number): void {
    if ((this.#heapSize + 1) * STRIDE > this.#h.length) this.#grow();
    const h = this.#h;
    let i = this.#heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = parent * STRIDE;
      if (entryBefore(h, p, time, seq)) break;
      move(h, i * STRIDE, p);
      i = parent;
    }
    place(h, i * STRIDE, time, seq, kh, ref);
  }

  /** Place an entry at the root hole of a heap of n entries, moving smaller children up. */
  #siftDown(lt: number, lq: number, lkh: number, lr: number, n: number): void {
    const h = this.#h;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ci = c * STRIDE;
      if (c + 1 < n && entryBefore(h, ci + STRIDE, h[ci + T]!, h[ci + Q]!)) {
        c++;
        ci += STRIDE;
      }
      // Sequences are unique, so "the child is not before it" means "it is before the child".
      if (!entryBefore(h, ci, lt, lq)) break;
      move(h, i * STRIDE, ci);
      i = c;
    }
    place(h, i * STRIDE, lt, lq, lkh, lr);
  }

  #grow(): void {
    const bigger = new Float64Array(this.#h.length * 2);
    bigger.set(this.#h);
    this.#h = bigger;
  }
}

/** Whether the heap entry at offset `at` comes out before (time, seq): by time, then by sequence (read only on a tie). */
function entryBefore(h: Float64Array, at: number, time: number, seq: number): boolean {
  const t = h[at + T]!;
  return t < time || (t === time && h[at + Q]! < seq);
}

/** Write a heap entry at offset `at`. */
function place(h: Float64Array, at: number, time: number, seq: number, kh: number, ref: number): void {
  h[at + T] = time;
  h[at + Q] = seq;
  h[at + KH] = kh;
  h[at + R] = ref;
}

/** Copy the heap entry at `from` to `to` (offsets into the array). */
function move(h: Float64Array, to: number, from: number): void {
  h[to] = h[from]!;
  h[to + 1] = h[from + 1]!;
  h[to + 2] = h[from + 2]!;
  h[to + 3] = h[from + 3]!;
}
