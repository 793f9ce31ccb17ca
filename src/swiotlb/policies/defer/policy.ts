/**
 * `defer`: FreeBSD busdma's answer to a full bounce zone, on the Linux fixed
 * pool. A map that finds no room is queued FIFO (busdma's `EINPROGRESS`)
 * instead of failing; callers that cannot wait (`BUS_DMA_NOWAIT`, here
 * ctx.maySleep false) fail at once. Two phases, as busdma: each unmap (and
 * tick) reserves space for the waiting maps in FIFO order, stopping at the
 * first that does not fit (free_bounce_pages), and wakes the busdma thread;
 * the thread's loads (copying the originals in) run when completions are
 * collected (takeCompleted(), tick()) and complete at the reservation time.
 * Reserved maps are not live() until their load ran. A new map tries the
 * pool before the queue, as `bus_dmamap_load` does, so a small one can pass
 * a large waiting one (busdma's documented caveat), but never reserved space.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { DMA_ATTR_NO_WARN, IO_TLB_SIZE, type DmaDirection } from '../../constants.js';
import type { MappingFailure } from '../../failure.js';
import {
  MAP_DEFERRED,
  type CallContext,
  type CostMeter,
  type DeferredCompletion,
  type LiveBuffer,
  type MapRequest,
  type PolicyEnv,
  type PolicyStats,
  type SwiotlbPolicy,
} from '../../policy.js';
import { createFixedPolicy, type FixedPolicy } from '../fixed/policy.js';
import { DeferredLoader, maxLoadSize } from './deferred-load.js';
import { DeferredQueue, type DeferWaitStats } from './deferred-queue.js';

/** The fixed pool with busdma-style deferral of maps that find no room. */
export class DeferPolicy implements SwiotlbPolicy {
  readonly name: string = 'defer';
  /** The pool underneath (its allocator does every slot search). */
  readonly fixed: FixedPolicy;
  readonly #queue = new DeferredQueue();
  readonly #loader: DeferredLoader;
  readonly #failuresByCode: PolicyStats['failuresByCode'] = {};
  #lastFailure: MappingFailure | null = null;
  #maps = 0;
  #mapFailures = 0;
  #deferred = 0;
  /** Reused request for attempts that may wait. */
  #scratch: MapRequest | null = null;

  /** @param fixed - The pool, already reserved (and shared in a CoCo guest). */
  constructor(fixed: FixedPolicy) {
    this.fixed = fixed;
    this.#loader = new DeferredLoader(fixed.mem);
  }

  /** The pool's work counters (the reservations and loads of deferred maps run in the pool too). */
  get meter(): CostMeter {
    return this.fixed.meter;
  }

  /** The kernel profile of the pool. */
  get profile(): FixedPolicy['profile'] {
    return this.fixed.profile;
  }

  /** Failure of the last map that returned -1 (a deferred map is not a failure). */
  get lastFailure(): MappingFailure | null {
    return this.#lastFailure;
  }

  /**
   * Map, or queue the map when the pool has no room and the caller may wait.
   *
   * @param req - The request.
   * @param ctx - CPU, whether the caller may wait, time.
   * @returns The bounce address; MAP_DEFERRED (ticket = stats().deferred); or -1 with lastFailure set
   *   (too_large at once, no_space/fragmented for callers that cannot wait, other codes as the pool gives them).
   * @remarks Context: any; only process context is ever queued.
   */
  map(req: MapRequest, ctx: CallContext): number {
    this.#maps++;
    const max = this.maxMappingSize(req.dev);
    if (req.size > max) {
      return this.#fail({ code: 'too_large', size: req.size, maxMappingSize: max, nslots: Math.ceil(req.size / IO_TLB_SIZE) });
    }
    const tlb = this.fixed.map(ctx.maySleep ? this.#quiet(req) : req, ctx);
    if (tlb >= 0) return tlb;
    const f = this.fixed.lastFailure!;
    if (!ctx.maySleep || (f.code !== 'no_space' && f.code !== 'fragmented')) return this.#fail(f);
    this.#deferred++;
    this.#queue.push({ ticket: this.#deferred, request: { ...req }, cpu: ctx.cpu, since: ctx.now, slot: null, reservedAt: -1 });
    return MAP_DEFERRED;
  }

  /**
   * {@inheritDoc SwiotlbPolicy.unmap} Then reserve space for the waiting maps that fit (free_bounce_pages).
   * @remarks Context: any; the loads run when completions are collected.
   */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void {
    this.fixed.unmap(dev, tlb, size, dir, attrs, ctx);
    this.#loader.released(tlb);
    this.#loader.reserveWaiting(this.#queue, ctx.now);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForCpu} */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    this.fixed.syncForCpu(dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForDevice} */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    this.fixed.syncForDevice(dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.isBounceBuffer} */
  isBounceBuffer(dev: Device, addr: number): boolean {
    return this.fixed.isBounceBuffer(dev, addr);
  }

  /** {@inheritDoc SwiotlbPolicy.holdsBounceBuffer} */
  holdsBounceBuffer(dev: Device, addr: number): boolean {
    return this.fixed.holdsBounceBuffer(dev, addr);
  }

  /** {@inheritDoc maxLoadSize} */
  maxMappingSize(dev: Device): number {
    return maxLoadSize(this.fixed.mem, dev);
  }

  /**
   * Reserve what fits, then run the busdma thread.
   *
   * @param now - Simulated time.
   * @returns Infinity: nothing is timed (the thread is woken by the reservations).
   * @remarks Context: process context.
   */
  tick(now: number): number {
    this.#loader.reserveWaiting(this.#queue, now);
    this.#loader.runReserved(this.#queue);
    return Infinity;
  }

  /**
   * Run the busdma thread's pending loads, then hand out every completion since the last call.
   *
   * @returns Completions in FIFO order, each at its reservation time.
   * @remarks Context: process context.
   */
  takeCompleted(): readonly DeferredCompletion[] {
    this.#loader.runReserved(this.#queue);
    return this.#loader.take();
  }

  /** {@inheritDoc SwiotlbPolicy.live} */
  live(): LiveBuffer[] {
    return [...this.fixed.live(), ...this.#loader.loaded()];
  }

  /**
   * Waits of deferred maps (busdma's total_deferred is stats().deferred).
   *
   * @returns Completed count, total and longest wait, waiting (and reserved) now, the peak.
   * @remarks Context: any.
   */
  waitStats(): DeferWaitStats {
    return this.#queue.stats();
  }

  /** {@inheritDoc SwiotlbPolicy.stats} The peak counts reserved space too (the core's high-water mark). */
  stats(now: number): PolicyStats {
    const base = this.fixed.stats(now);
    return {
      ...base,
      policy: this.name,
      maps: this.#maps,
      mapFailures: this.#mapFailures,
      failuresByCode: { ...this.#failuresByCode },
      peakInUseBytes: Math.max(base.peakInUseBytes, this.fixed.mem.usedHiwater * IO_TLB_SIZE),
      deferred: this.#deferred,
    };
  }

  /** The request with NO_WARN added, in a reused object: a load that waits prints no "buffer is full". */
  #quiet(q: MapRequest): MapRequest {
    const r = Object.assign(this.#scratch ?? (this.#scratch = { ...q }), q);
    r.attrs = q.attrs | DMA_ATTR_NO_WARN;
    return r;
  }

  #fail(f: MappingFailure): number {
    this.#mapFailures++;
    this.#failuresByCode[f.code] = (this.#failuresByCode[f.code] ?? 0) + 1;
    this.#lastFailure = f;
    return -1;
  }
}

/**
 * Build the defer policy: a boot pool of env.poolBytes with env.nareas areas, and a FIFO waiting list.
 *
 * @param env - Environment.
 * @returns The policy.
 * @throws InputError (code `no_memory`) when the pool does not fit below 4 GiB.
 * @remarks Context: process context (boot).
 */
export function createDeferPolicy(env: PolicyEnv): DeferPolicy {
  return new DeferPolicy(createFixedPolicy(env));
}
