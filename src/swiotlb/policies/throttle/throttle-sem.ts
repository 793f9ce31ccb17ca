/**
 * The throttle semaphore of Kelley's 2024 RFC (`io_tlb_mem.throttle_sem`,
 * count 1) in simulated time. The model never sleeps: a caller that would
 * sleep in down() gets MAP_BLOCKED and is remembered as a waiter until it
 * retries the same map. As the kernel's up() passes the semaphore to a
 * sleeper without raising the count, up() here passes it to the waiters, so
 * no newcomer can barge in; the first waiter to retry takes it. The kernel
 * picks the oldest sleeper; here the caller's wake-up order decides (the lab
 * engine wakes one blocked caller per unmap, oldest first, so the order is
 * FIFO there), and a woken caller that is not the chosen one cannot stall
 * the others.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { MapRequest } from '../../policy.js';

/** A caller asleep in down(), identified by the map it will retry. */
export interface ThrottleWaiter {
  dev: Device;
  orig: number;
  size: number;
  dir: number;
  /** Simulated time it first blocked (ns). */
  since: number;
}

/** Blocking and waiting of one device, in simulated time. */
export interface DeviceWaitStats {
  device: string;
  /** MAP_BLOCKED returns. */
  blocked: number;
  /** Throttled maps that got the semaphore after waiting. */
  waits: number;
  totalWaitNs: number;
  maxWaitNs: number;
}

/** A counting semaphore of 1 with FIFO hand-off and per-device wait statistics. */
export class ThrottleSemaphore {
  #count = 1;
  /** up() passed the semaphore to the waiters; the first to retry takes it. */
  #handedOff = false;
  readonly #waiters: ThrottleWaiter[] = [];
  readonly #byDevice = new Map<number, DeviceWaitStats>();

  /** Whether someone holds the semaphore (the RFC's `throttle_sem.count <= 0`). */
  get held(): boolean {
    return this.#count <= 0;
  }

  /** Callers waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * The waiter that blocked on this same map, if any.
   *
   * @param req - The map being retried.
   * @returns The waiter, or null for a first attempt.
   * @remarks Context: any. Linear in the waiters (few: one per blocked submitter).
   */
  find(req: MapRequest): ThrottleWaiter | null {
    for (const w of this.#waiters) if (same(w, req)) return w;
    return null;
  }

  /**
   * down() for a first attempt: take the semaphore if it is free, else queue the caller.
   *
   * @param req - The map.
   * @param now - Simulated time (ns).
   * @returns true when taken; false when the caller must wait (it is now a waiter, counted blocked).
   * @remarks Context: process context.
   */
  down(req: MapRequest, now: number): boolean {
    if (this.#count > 0) {
      this.#count--;
      return true;
    }
    this.#waiters.push({ dev: req.dev, orig: req.orig, size: req.size, dir: req.dir, since: now });
    this.#device(req.dev).blocked++;
    return false;
  }

  /**
   * down() resumed for a waiter that retries: it proceeds once up() has passed the semaphore on.
   *
   * @param w - The waiter (from find()).
   * @param now - Simulated time (ns); its wait is recorded on success.
   * @returns true when it now holds the semaphore; false (counted blocked) otherwise.
   * @remarks Context: process context.
   */
  resume(w: ThrottleWaiter, now: number): boolean {
    const s = this.#device(w.dev);
    if (!this.#handedOff) {
      s.blocked++;
      return false;
    }
    this.#handedOff = false;
    this.#waiters.splice(this.#waiters.indexOf(w), 1);
    const wait = Math.max(0, now - w.since);
    s.waits++;
    s.totalWaitNs += wait;
    if (wait > s.maxWaitNs) s.maxWaitNs = wait;
    return true;
  }

  /**
   * up(): pass the semaphore to the waiters, or release it when none waits.
   *
   * @returns Nothing.
   * @remarks Context: any (unmap may run in interrupt context).
   */
  up(): void {
    if (this.#waiters.length > 0) this.#handedOff = true;
    else this.#count++;
  }

  /**
   * Per-device blocking and waits.
   *
   * @returns One record per device that ever blocked, in first-block order.
   * @remarks Context: any.
   */
  stats(): DeviceWaitStats[] {
    return [...this.#byDevice.values()].map((s) => ({ ...s }));
  }

  #device(dev: Device): DeviceWaitStats {
    let s = this.#byDevice.get(dev.id);
    if (s === undefined) {
      s = { device: dev.name, blocked: 0, waits: 0, totalWaitNs: 0, maxWaitNs: 0 };
      this.#byDevice.set(dev.id, s);
    }
    return s;
  }
}

function same(w: ThrottleWaiter, req: MapRequest): boolean {
  return w.dev === req.dev && w.orig === req.orig && w.size === req.size && w.dir === req.dir;
}
