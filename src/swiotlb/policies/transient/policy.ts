/**
 * `transient`: the merged transient pools without background growth (spec
 * §5.2, v3 patch "fall back to a transient memory pool when full"). The boot
 * pool serves every mapping it can; when it has no room and the allocator can
 * grow, a pool of exactly `nr_slots(size)` slots and one area is allocated
 * for that one mapping (GFP_NOWAIT, below the device's reach), joins the
 * device's transient list, and is freed whole at unmap. Requests above 128
 * slots are rejected before that on 6.8+ (6.6 - 6.7 allocate a useless
 * transient pool first).
 *
 * @module
 */
import type { PolicyEnv } from '../../policy.js';
import { DynamicPolicy } from '../../dynamic/dynamic-policy.js';

/** Options of {@link createTransientPolicy}. */
export interface TransientPolicyOptions {
  /** `can_grow`; default true. false: the boot pool alone. */
  canGrow?: boolean;
}

/**
 * The transient-pool design.
 *
 * @remarks Context: as DynamicPolicy.
 */
export class TransientPolicy extends DynamicPolicy {
  /**
   * Boot the design: the boot pool, transient pools, no worker.
   *
   * @param env - Machine, profile (6.6+), boot pool.
   * @param o - Options.
   * @throws InputError (code `unsupported_kernel`) for a 6.1 profile.
   * @remarks Context: process context (boot).
   */
  constructor(env: PolicyEnv, o: TransientPolicyOptions = {}) {
    super('transient', env, { grow: false, ...(o.canGrow !== undefined ? { canGrow: o.canGrow } : {}) });
  }
}

/**
 * Build the transient policy.
 *
 * @param env - Environment (profile 6.6.0 or later).
 * @param options - can_grow.
 * @returns The policy.
 * @throws InputError (code `unsupported_kernel`) for a kernel without CONFIG_SWIOTLB_DYNAMIC.
 * @remarks Context: process context (boot).
 */
export function createTransientPolicy(env: PolicyEnv, options: TransientPolicyOptions = {}): TransientPolicy {
  return new TransientPolicy(env, options);
}
