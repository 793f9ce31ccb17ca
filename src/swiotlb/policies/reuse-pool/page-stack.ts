/**
 * The free list of one device in the `reuse-pool` policy: cached bounce
 * pages (already shared with the host) with the time each became idle.
 * Reuse takes the most recently freed page (top), so the oldest pages sink
 * to the bottom, where the decay job trims them (the RFC kept its list in
 * LRU order with `last_used_jiff` for the same reason).
 *
 * A ring of two typed arrays: push, pop and trimming allocate nothing.
 *
 * @module
 */
import { PAGE_SIZE } from '../../constants.js';

/** Cached pages of one device, most recently freed on top. */
export class PageStack {
  #addr = new Float64Array(64);
  #time = new Float64Array(64);
  #head = 0;
  #len = 0;

  /** Pages cached. */
  get length(): number {
    return this.#len;
  }

  /**
   * Cache a page.
   *
   * @param addr - Page address.
   * @param now - Simulated time it became idle (ns).
   * @returns Nothing.
   * @remarks Context: any (the device's lock held). Amortised O(1).
   */
  push(addr: number, now: number): void {
    if (this.#len === this.#addr.length) this.#grow();
    const i = (this.#head + this.#len) & (this.#addr.length - 1);
    this.#addr[i] = addr;
    this.#time[i] = now;
    this.#len++;
  }

  /**
   * Take the most recently cached page.
   *
   * @returns Its address; the stack must not be empty.
   * @remarks Context: any (the device's lock held).
   */
  pop(): number {
    this.#len--;
    return this.#addr[(this.#head + this.#len) & (this.#addr.length - 1)]!;
  }

  /**
   * When the oldest cached page became idle.
   *
   * @returns Time (ns); the stack must not be empty.
   * @remarks Context: any.
   */
  oldestTime(): number {
    return this.#time[this.#head]!;
  }

  /**
   * Take the oldest cached page (for trimming).
   *
   * @returns Its address; the stack must not be empty.
   * @remarks Context: any (the device's lock held).
   */
  shiftOldest(): number {
    const a = this.#addr[this.#head]!;
    this.#head = (this.#head + 1) & (this.#addr.length - 1);
    this.#len--;
    return a;
  }

  /**
   * Take the lowest-addressed run of n physically contiguous cached pages.
   *
   * @param n - Pages wanted (>= 1).
   * @param out - Receives the run's addresses, ascending (length >= n).
   * @returns true when a run was found and removed; false leaves the stack unchanged.
   * @remarks Context: any. O(c log c) for c cached pages: only the contiguous placement uses it.
   */
  takeRun(n: number, out: Float64Array): boolean {
    const len = this.#len;
    const mask = this.#addr.length - 1;
    const sorted = new Float64Array(len);
    for (let k = 0; k < len; k++) sorted[k] = this.#addr[(this.#head + k) & mask]!;
    sorted.sort();
    let start = -1;
    for (let k = 0, run = 0; k < len && start < 0; k++) {
      run = k > 0 && sorted[k]! === sorted[k - 1]! + PAGE_SIZE ? run + 1 : 1;
      if (run === n) start = sorted[k - n + 1]!;
    }
    if (start < 0) return false;
    const end = start + n * PAGE_SIZE;
    let w = 0;
    for (let k = 0; k < len; k++) {
      const i = (this.#head + k) & mask;
      const a = this.#addr[i]!;
      if (a >= start && a < end) continue;
      const j = (this.#head + w++) & mask;
      this.#addr[j] = a;
      this.#time[j] = this.#time[i]!;
    }
    this.#len = w;
    for (let k = 0; k < n; k++) out[k] = start + k * PAGE_SIZE;
    return true;
  }

  #grow(): void {
    const cap = this.#addr.length;
    const addr = new Float64Array(cap * 2);
    const time = new Float64Array(cap * 2);
    for (let k = 0; k < this.#len; k++) {
      addr[k] = this.#addr[(this.#head + k) & (cap - 1)]!;
      time[k] = this.#time[(this.#head + k) & (cap - 1)]!;
    }
    this.#addr = addr;
    this.#time = time;
    this.#head = 0;
  }
}
