/**
 * The callers a simulation keeps waiting: maps that blocked (a design that
 * throttles) wait in FIFO order for an unmap; maps a design deferred wait by
 * ticket until the design completes them, and the address each got is kept
 * until its job takes it.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';

/** A map call that blocked: its job retries (with the same tag) when an unmap frees room. */
export interface BlockedCaller {
  job: number;
  tag: number;
  /** When it blocked (ns). */
  since: number;
  dev: Device;
}

/** A map call the design deferred: its job resumes when the design completes the map. */
export interface DeferredCaller {
  job: number;
  tag: number;
  /** When it was deferred (ns). */
  since: number;
  size: number;
  phys: number;
  /** The data check's pattern for the map (-1 for none). */
  cpuPattern: number;
}

/** Blocked and deferred callers of one run. */
export class Waiters {
  readonly #blocked: BlockedCaller[] = [];
  /** Index of the first blocked caller still waiting (woken ones before it are dropped in batches). */
  #head = 0;
  readonly #deferred = new Map<number, DeferredCaller>();
  readonly #results = new Map<number, number>();

  /** Callers blocked now. */
  get blocked(): number {
    return this.#blocked.length - this.#head;
  }

  /**
   * Queue a caller that blocked.
   *
   * @param c - The caller.
   * @remarks Context: simulation loop.
   */
  block(c: BlockedCaller): void {
    this.#blocked.push(c);
  }

  /**
   * Take the caller that blocked first.
   *
   * @returns The caller (blocked must be > 0).
   * @remarks Context: simulation loop. Amortised O(1).
   */
  wakeFirst(): BlockedCaller {
    const c = this.#blocked[this.#head++]!;
    if (this.#head === this.#blocked.length) {
      this.#blocked.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#blocked.length) {
      this.#blocked.splice(0, this.#head);
      this.#head = 0;
    }
    return c;
  }

  /**
   * Remember a deferred map by the design's ticket.
   *
   * @param ticket - The design's ticket for the map.
   * @param c - The caller.
   * @remarks Context: simulation loop.
   */
  defer(ticket: number, c: DeferredCaller): void {
    this.#deferred.set(ticket, c);
  }

  /**
   * The caller of a deferred map the design completed (once).
   *
   * @param ticket - The design's ticket.
   * @returns The caller, or undefined for a ticket nobody waits on.
   * @remarks Context: simulation loop.
   */
  completed(ticket: number): DeferredCaller | undefined {
    const c = this.#deferred.get(ticket);
    if (c !== undefined) this.#deferred.delete(ticket);
    return c;
  }

  /**
   * Keep the DMA address a completed deferred map got until its job takes it.
   *
   * @param job - Job index.
   * @param tag - The tag the job passed to map().
   * @param dma - The DMA address.
   * @remarks Context: simulation loop.
   */
  setResult(job: number, tag: number, dma: number): void {
    this.#results.set(job * 0x10000 + tag, dma);
  }

  /**
   * The DMA address a deferred map of this job and tag got (once).
   *
   * @param job - Job index.
   * @param tag - The tag passed to map().
   * @returns The DMA address, or undefined when no deferred map completed for it.
   * @remarks Context: simulation loop.
   */
  takeResult(job: number, tag: number): number | undefined {
    const k = job * 0x10000 + tag;
    const v = this.#results.get(k);
    if (v !== undefined) this.#results.delete(k);
    return v;
  }
}
