/**
 * The simulation's event queue: events come out by (time, sequence), so
 * events at the same instant run in the order they were scheduled. Times and
 * sequences live in typed arrays; payloads are small integers the caller
 * interprets (no allocation per event).
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

/** A priority queue of (time, seq, kind, ref) events. */
export class EventQueue {
  #time: Float64Array;
  #seq: Float64Array;
  #kind: Int32Array;
  #ref: Int32Array;
  /** 1 where the heap entry is the head of its kind's lane. */
  #isHead: Uint8Array;
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
    this.#time = new Float64Array(capacity);
    this.#seq = new Float64Array(capacity);
    this.#kind = new Int32Array(capacity);
    this.#ref = new Int32Array(capacity);
    this.#isHead = new Uint8Array(capacity);
  }

  /** Events waiting. */
  get size(): number {
    return this.#count;
  }

  /**
   * Schedule an event.
   *
   * @param time - Simulated time (ns).
   * @param kind - Event kind (caller-defined, a non-negative integer).
   * @param ref - Payload reference (caller-defined index).
   * @remarks Context: simulation loop. No allocation once the lanes and heap have grown to the run's needs.
   */
  push(time: number, kind: number, ref: number): void {
    const seq = this.#nextSeq++;
    this.#count++;
    const lane = kind < MAX_LANES ? (this.#lanes[kind] ?? this.#newLane(kind)) : undefined;
    // In lane order (no earlier than the lane's last event): queue behind the lane's head.
    if (lane !== undefined && lane.count > 0 && time >= lane.lastTime) {
      lane.append(time, seq, ref);
      return;
    }
    if (this.#isEarliest(time)) {
      if (this.#hasFront) this.#heapPush(this.#fTime, this.#fSeq, this.#fKind, this.#fRef, 0);
      this.#hasFront = true;
      this.#fTime = time;
      this.#fSeq = seq;
      this.#fKind = kind;
      this.#fRef = ref;
      return;
    }
    if (lane !== undefined && lane.count === 0) {
      lane.append(time, seq, ref);
      this.#heapPush(time, seq, kind, ref, 1);
      return;
    }
    this.#heapPush(time, seq, kind, ref, 0);
  }

  /** Whether an event at `time` scheduled now comes before every queued event (ties go to the older event). */
  #isEarliest(time: number): boolean {
    if (this.#hasFront) return time < this.#fTime;
    return this.#heapSize === 0 || time < this.#time[0]!;
  }

  #newLane(kind: number): EventLane {
    const lane = new EventLane();
    this.#lanes[kind] = lane;
    return lane;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    if (this.#hasFront) return this.#fTime;
    return this.#heapSize === 0 ? Infinity : this.#time[0]!;
  }

  /** Kind of the earliest event (read before pop()). */
  peekKind(): number {
    return this.#hasFront ? this.#fKind : this.#kind[0]!;
  }

  /** Payload of the earliest event (read before pop()). */
  peekRef(): number {
    return this.#hasFront ? this.#fRef : this.#ref[0]!;
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
    if (this.#isHead[0] === 1) {
      const kind = this.#kind[0]!;
      const lane = this.#lanes[kind]!;
      lane.shift();
      if (lane.count > 0) {
        // The lane's next event takes the root's place.
        this.#siftDown(0, lane.headTime(), lane.headSeq(), kind, lane.headRef(), 1, this.#heapSize);
        return;
      }
    }
    const n = --this.#heapSize;
    if (n > 0) this.#siftDown(0, this.#time[n]!, this.#seq[n]!, this.#kind[n]!, this.#ref[n]!, this.#isHead[n]!, n);
  }

  #heapPush(time: number, seq: number, kind: number, ref: number, head: number): void {
    if (this.#heapSize === this.#time.length) this.#grow();
    let i = this.#heapSize++;
    const t = this.#time;
    const q = this.#seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < time || (pt === time && q[parent]! < seq)) break;
      this.#move(i, parent);
      i = parent;
    }
    this.#set(i, time, seq, kind, ref, head);
  }

  /** Place an entry at hole i of a heap of n entries, moving smaller children up. */
  #siftDown(i: number, lt: number, lq: number, lk: number, lr: number, lh: number, n: number): void {
    const t = this.#time;
    const q = this.#seq;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (t[r]! < t[c]! || (t[r] === t[c] && q[r]! < q[c]!))) c = r;
      if (lt < t[c]! || (lt === t[c] && lq < q[c]!)) break;
      this.#move(i, c);
      i = c;
    }
    this.#set(i, lt, lq, lk, lr, lh);
  }

  #move(to: number, from: number): void {
    this.#time[to] = this.#time[from]!;
    this.#seq[to] = this.#seq[from]!;
    this.#kind[to] = this.#kind[from]!;
    this.#ref[to] = this.#ref[from]!;
    this.#isHead[to] = this.#isHead[from]!;
  }

  #set(i: number, time: number, seq: number, kind: number, ref: number, head: number): void {
    this.#time[i] = time;
    this.#seq[i] = seq;
    this.#kind[i] = kind;
    this.#ref[i] = ref;
    this.#isHead[i] = head;
  }

  #grow(): void {
    const n = this.#time.length * 2;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#time = grow(this.#time, new Float64Array(n));
    this.#seq = grow(this.#seq, new Float64Array(n));
    this.#kind = grow(this.#kind, new Int32Array(n));
    this.#ref = grow(this.#ref, new Int32Array(n));
    this.#isHead = grow(this.#isHead, new Uint8Array(n));
  }
}
