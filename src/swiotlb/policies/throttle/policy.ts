/**
 * `throttle`: Michael Kelley's 2024 RFC "Introduce swiotlb throttling" on the
 * fixed pool. A map from a caller that may block (DMA_ATTR_MAY_BLOCK, here
 * ctx.maySleep) is *throttled* when usage is above the high threshold (70 %
 * of slots), or above the low threshold (65 %) while the throttle semaphore
 * is held; a throttled map must take the semaphore, and its unmap releases
 * it, so throttled map/unmap pairs run one at a time. The check reads
 * total_used without a reservation, as the RFC does (racy by design).
 * Callers that cannot block are never throttled: they map or fail.
 *
 * Where the kernel would sleep in down(), map() returns MAP_BLOCKED and the
 * caller retries the same map later (after an unmap); the retry proceeds
 * once up() has passed the semaphore to the waiters (see throttle-sem.ts),
 * and its wait is recorded per device. A blocked caller stays a waiter until
 * it retries, as a sleeper in down() would: a caller that gives up for good
 * keeps newcomers out once the semaphore is passed on.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import type { DmaDirection } from '../../constants.js';
import type { IoTlbMem } from '../../io-tlb-mem.js';
import { InputError } from '../../../util/errors.js';
import { MAP_BLOCKED, type CallContext, type MapRequest, type PolicyEnv, type PolicyStats } from '../../policy.js';
import { FixedPolicy, reserveBootPool } from '../fixed/policy.js';
import { ThrottleSemaphore, type DeviceWaitStats } from './throttle-sem.js';

/** Options of {@link createThrottlePolicy}: the RFC's debugfs tunables, as percentages of the slots. */
export interface ThrottleOptions {
  /** Throttle above this share of slots in use; default 70. */
  highPercent?: number;
  /** Throttle above this share while the semaphore is held; default 65. */
  lowPercent?: number;
}

/** The RFC's debugfs counters and thresholds. */
export interface ThrottleCounters {
  /** Slots above which maps are throttled (`high_throttle`). */
  highThrottle: number;
  /** Slots above which maps are throttled while the semaphore is held (`low_throttle`). */
  lowThrottle: number;
  /** Maps throttled because usage was above high_throttle (`high_throttle_count`). */
  highThrottleCount: number;
  /** Maps throttled because usage was above low_throttle with the semaphore held (`low_throttle_count`). */
  lowThrottleCount: number;
}

/** The fixed pool with MAY_BLOCK maps throttled above a usage threshold; everything else is the pool's. */
export class ThrottlePolicy extends FixedPolicy {
  override readonly name: string = 'throttle';
  readonly #sem = new ThrottleSemaphore();
  readonly #high: number;
  readonly #low: number;
  #highCount = 0;
  #lowCount = 0;
  #blocked = 0;
  /** Bounce address of the throttled mapping that holds the semaphore, or -1. */
  #holder = -1;

  /**
   * @param mem - The pool, already reserved (and shared in a CoCo guest).
   * @param machine - Its machine.
   * @param thresholds - Slots above which maps are throttled (high), or throttled while the semaphore is held (low).
   * @param enc - Encryption counters before the pool was shared (so the boot share is counted).
   */
  constructor(mem: IoTlbMem, machine: Machine, thresholds: { high: number; low: number }, enc = machine.encryption.counters()) {
    super(mem, machine, enc.hypercalls, enc.pagesSharedTotal);
    this.#high = thresholds.high;
    this.#low = thresholds.low;
  }

  /**
   * Map, throttling callers that may block (swiotlb_tbl_map_single() with the RFC's check).
   *
   * @param req - The request; a retry after MAP_BLOCKED passes the same dev, orig, size and dir.
   * @param ctx - CPU, whether the caller may block, time.
   * @returns The bounce address; -1 with lastFailure set; or MAP_BLOCKED (retry after an unmap).
   * @remarks Context: any; only process context is ever blocked.
   */
  override map(req: MapRequest, ctx: CallContext): number {
    if (!ctx.maySleep) return super.map(req, ctx);
    const sem = this.#sem;
    const w = sem.find(req);
    if (w === null) {
      const used = this.mem.totalUsed;
      if (used > this.#high) this.#highCount++;
      else if (used > this.#low && sem.held) this.#lowCount++;
      else return super.map(req, ctx);
      if (!sem.down(req, ctx.now)) return this.#block();
    } else if (!sem.resume(w, ctx.now)) return this.#block();
    const tlb = super.map(req, ctx);
    if (tlb < 0) sem.up();
    else this.#holder = tlb;
    return tlb;
  }

  /**
   * {@inheritDoc SwiotlbPolicy.unmap}
   * Unmapping the throttled mapping releases the semaphore (to the waiters, if any).
   *
   * @remarks Context: any.
   */
  override unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void {
    super.unmap(dev, tlb, size, dir, attrs, ctx);
    if (tlb === this.#holder) {
      this.#holder = -1;
      this.#sem.up();
    }
  }

  /**
   * The RFC's debugfs view.
   *
   * @returns Thresholds (slots) and throttle counts.
   * @remarks Context: any.
   */
  throttleCounters(): ThrottleCounters {
    return { highThrottle: this.#high, lowThrottle: this.#low, highThrottleCount: this.#highCount, lowThrottleCount: this.#lowCount };
  }

  /**
   * Blocking and waits per device (Tesařík's Snail/Cheetah case shows up here).
   *
   * @returns One record per device that ever blocked.
   * @remarks Context: any.
   */
  waitStats(): DeviceWaitStats[] {
    return this.#sem.stats();
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  override stats(now: number): PolicyStats {
    const base = super.stats(now);
    return { ...base, maps: base.maps + this.#blocked, blocked: this.#blocked };
  }

  #block(): number {
    this.#blocked++;
    return MAP_BLOCKED;
  }
}

/**
 * Build the throttle policy: a boot pool of env.poolBytes with env.nareas areas and the RFC's thresholds.
 *
 * @param env - Environment.
 * @param options - Thresholds in percent of the slots (70 and 65 by default).
 * @returns The policy.
 * @throws InputError (code `bad_throttle`) unless 0 <= lowPercent <= highPercent <= 100; (`no_memory`) when the pool does not fit.
 * @remarks Context: process context (boot).
 */
export function createThrottlePolicy(env: PolicyEnv, options: ThrottleOptions = {}): ThrottlePolicy {
  const high = options.highPercent ?? 70;
  const low = options.lowPercent ?? 65;
  if (!(low >= 0 && low <= high && high <= 100)) {
    throw new InputError('bad_throttle', `Cannot throttle at ${high} % with hysteresis at ${low} %: expected 0 <= low <= high <= 100`);
  }
  const enc = env.machine.encryption.counters();
  const mem = reserveBootPool(env);
  // init_throttling(): nslabs * 70 / 100 in integer arithmetic.
  const thresholds = { high: Math.floor((mem.nslabs * high) / 100), low: Math.floor((mem.nslabs * low) / 100) };
  return new ThrottlePolicy(mem, env.machine, thresholds, enc);
}
