/**
 * `growing`: the dynamic swiotlb as merged in 6.6 (spec §5). A failed search
 * queues the single background worker and covers this mapping with a
 * transient pool; the worker runs `workerLatencyNs` later (from tick()) and
 * adds a pool of `default_nslabs` slots capped at one MAX_PAGE_ORDER block
 * (2048 slots with 4 KiB pages), halved on failure down to 512 slots, with
 * `limit_nareas(default_nareas, nslabs)` areas when capped or halved, below
 * `phys_limit`, at the head of the list; grown pools are never freed. The
 * search order follows the profile: pool-major before 6.8, area-major from
 * 6.8, where requests above 128 slots are also rejected before growth.
 *
 * Not in the kernel, off by default: `growthCap`, the share of RAM all
 * non-transient pools may hold (reviewers asked for a bound); beyond it the
 * worker adds nothing, transient pools still cover failures.
 *
 * @module
 */
import type { PolicyEnv } from '../../policy.js';
import { DynamicPolicy } from '../../dynamic/dynamic-policy.js';

/** Options of {@link createGrowingPolicy}. */
export interface GrowingPolicyOptions {
  /** Delay from queueing the worker to its run, ns; default 1 ms (DEFAULT_WORKER_LATENCY_NS). */
  workerLatencyNs?: number;
  /** Share of RAM (0 < cap) all non-transient pools may hold; default none, as the kernel. */
  growthCap?: number;
  /** `phys_limit` of grown pools; default 0xffffffff (x86 ARCH_LOW_ADDRESS_LIMIT, no SWIOTLB_ANY). */
  physLimit?: number;
  /** `can_grow`; default true. */
  canGrow?: boolean;
}

/**
 * The growing design.
 *
 * @remarks Context: as DynamicPolicy.
 */
export class GrowingPolicy extends DynamicPolicy {
  /**
   * Boot the design: the boot pool, transient pools and the growth worker.
   *
   * @param env - Machine, profile (6.6+), boot pool.
   * @param o - Worker latency, cap, phys_limit.
   * @throws InputError (codes `unsupported_kernel`, `bad_option`).
   * @remarks Context: process context (boot).
   */
  constructor(env: PolicyEnv, o: GrowingPolicyOptions = {}) {
    super('growing', env, { grow: true, ...o });
  }
}

/**
 * Build the growing policy.
 *
 * @param env - Environment (profile 6.6.0 or later).
 * @param options - Worker latency, growth cap, phys_limit.
 * @returns The policy.
 * @throws InputError (code `unsupported_kernel`) for a kernel without CONFIG_SWIOTLB_DYNAMIC; `bad_option` for a cap <= 0.
 * @remarks Context: process context (boot).
 */
export function createGrowingPolicy(env: PolicyEnv, options: GrowingPolicyOptions = {}): GrowingPolicy {
  return new GrowingPolicy(env, options);
}
