/**
 * The waiting list of the `defer` policy: FreeBSD busdma's
 * `bounce_map_waitinglist`, a FIFO of loads that found no bounce space,
 * with the wait statistics its sysctls and the lab report. Reservation is
 * strict FIFO, so the maps holding reserved space (busdma's callback list)
 * are always a prefix of the queue.
 *
 * @module
 */
import type { MapRequest } from '../../policy.js';
import type { Reservation } from './deferred-load.js';

/** One queued map: the request as the caller made it, and when. */
export interface DeferredEntry {
  /** Ticket returned to the caller (stats().deferred after queuing). */
  ticket: number;
  request: MapRequest;
  /** CPU of the original call; the retry searches from its area. */
  cpu: number;
  /** Simulated time the map was queued (ns). */
  since: number;
  /** Space reserved for it (it waits for the busdma thread), or null. */
  slot: Reservation | null;
  /** Simulated time the space was reserved: the busdma thread is woken then, and the load completes then. */
  reservedAt: number;
}

/** Waits of completed deferred maps, in simulated time. */
export interface DeferWaitStats {
  /** Deferred maps that completed. */
  completed: number;
  /** Sum of their waits (ns). */
  totalWaitNs: number;
  /** Longest wait (ns). */
  maxWaitNs: number;
  /** Maps waiting now (reserved ones included). */
  waiting: number;
  /** Of those, maps whose space is reserved, waiting for the busdma thread. */
  reserved: number;
  /** Most maps ever waiting at once. */
  peakWaiting: number;
}

/** A FIFO of deferred maps; the head is the oldest. */
export class DeferredQueue {
  #items: DeferredEntry[] = [];
  #head = 0;
  #reserved = 0;
  #peak = 0;
  #completed = 0;
  #totalWait = 0;
  #maxWait = 0;

  /** Maps waiting now. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /**
   * Append a map at the tail.
   *
   * @param entry - The queued map.
   * @returns Nothing.
   * @remarks Context: any (the caller holds the policy's lock).
   */
  push(entry: DeferredEntry): void {
    this.#items.push(entry);
    if (this.length > this.#peak) this.#peak = this.length;
  }

  /**
   * The oldest map without reserved space, left in place.
   *
   * @returns That entry, or undefined when every waiting map has space.
   * @remarks Context: any.
   */
  nextToReserve(): DeferredEntry | undefined {
    return this.#items[this.#head + this.#reserved];
  }

  /**
   * Record that nextToReserve() got its space.
   *
   * @param slot - The reservation.
   * @param now - Simulated time of the reservation.
   * @returns Nothing.
   * @remarks Context: any.
   */
  markReserved(slot: Reservation, now: number): void {
    const e = this.#items[this.#head + this.#reserved]!;
    e.slot = slot;
    e.reservedAt = now;
    this.#reserved++;
  }

  /**
   * Remove the head when its space is reserved (its load is about to run), and record its wait
   * (queued to reserved).
   *
   * @returns The removed entry, or undefined when the head has no space yet (or nothing waits).
   * @remarks Context: any. Amortised O(1): the array is compacted when half of it is consumed.
   */
  takeReserved(): DeferredEntry | undefined {
    if (this.#reserved === 0) return undefined;
    const e = this.#items[this.#head]!;
    this.#reserved--;
    this.#head++;
    if (this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    const wait = Math.max(0, e.reservedAt - e.since);
    this.#completed++;
    this.#totalWait += wait;
    if (wait > this.#maxWait) this.#maxWait = wait;
    return e;
  }

  /**
   * Snapshot the wait statistics.
   *
   * @returns A plain object.
   * @remarks Context: any.
   */
  stats(): DeferWaitStats {
    return {
      completed: this.#completed,
      totalWaitNs: this.#totalWait,
      maxWaitNs: this.#maxWait,
      waiting: this.length,
      reserved: this.#reserved,
      peakWaiting: this.#peak,
    };
  }
}
