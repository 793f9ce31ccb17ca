/**
 * The swiotlb designs the lab can run, by name.
 *
 * @module
 */
import type { PolicyEnv, SwiotlbPolicy } from '../swiotlb/policy.js';
import { createFixedPolicy } from '../swiotlb/policies/fixed/policy.js';
import { createMruListPolicy } from '../swiotlb/policies/mru-list/policy.js';
import { createTransientPolicy } from '../swiotlb/policies/transient/policy.js';
import { createGrowingPolicy } from '../swiotlb/policies/growing/policy.js';
import { createHighmemPolicy } from '../swiotlb/policies/highmem/policy.js';
import { createThrottlePolicy } from '../swiotlb/policies/throttle/policy.js';
import { createDeferPolicy } from '../swiotlb/policies/defer/policy.js';
import { createReusePoolPolicy } from '../swiotlb/policies/reuse-pool/policy.js';
import { InputError } from '../util/errors.js';
import type { BootPool } from '../swiotlb/sizing.js';
import { IO_TLB_SIZE } from '../swiotlb/constants.js';

const MiB = 1024 * 1024;

/** A registered policy: its factory (environment plus the run's policyOptions) and one line about it. */
export interface PolicyEntry {
  readonly name: string;
  readonly description: string;
  readonly factory: (env: PolicyEnv, options: Record<string, unknown>) => SwiotlbPolicy;
  /** The design reads `swiotlb=` with the extra 64-bit pool RFC's grammar (a third number sizes its high pool). */
  readonly highPoolGrammar?: boolean;
  /** Options the design takes from the boot-time `swiotlb=` result (the run's policyOptions override them). */
  readonly optionsFromBoot?: (boot: BootPool) => Record<string, unknown>;
}

const ENTRIES: PolicyEntry[] = [
  { name: 'fixed', description: 'the classic boot-time pool (Linux without CONFIG_SWIOTLB_DYNAMIC)', factory: (env) => createFixedPolicy(env) },
  { name: 'mru-list', description: 'the 2023 v2 series: page-sized and larger mappings get their own buffer, tracked on a per-device MRU list; the pool is the fallback', factory: (env, o) => createMruListPolicy(env, o) },
  { name: 'transient', description: 'as merged (6.6+): when the pool is full, a transient pool sized for the one mapping, freed at unmap (in a confidential VM from the atomic DMA pools)', factory: (env, o) => createTransientPolicy(env, o) },
  { name: 'growing', description: 'as merged (6.6+): a failed search schedules a background worker that adds a whole pool; transient pools cover the gap; grown pools are never freed', factory: (env, o) => createGrowingPolicy(env, o) },
  {
    name: 'highmem',
    description: "the extra 64-bit pool RFC: a second large pool above 4 GiB for devices whose DMA mask reaches it (size: swiotlb=<slots>,<areas>,<high slots>, default the low pool's size)",
    factory: (env, o) => createHighmemPolicy(env, o),
    highPoolGrammar: true,
    optionsFromBoot: (boot) => (boot.highNslabs > 0 ? { highBytes: boot.highNslabs * IO_TLB_SIZE } : {}),
  },
  // Lab devices take one DMA address per mapping and read it as one contiguous range, so a
  // multi-page bounce buffer must be contiguous; `placement: 'scatter'` (pages wherever they are,
  // as VMBus drivers that pass page lists can use) stays available as a policy option.
  { name: 'reuse-pool', description: 'the Hyper-V confidential-VM design: freed bounce pages kept per device for reuse, a reserve, idle pages trimmed after 30 s', factory: (env, o) => createReusePoolPolicy(env, { reserveBytes: () => 4 * MiB, placement: 'contiguous', ...o }) },
  { name: 'throttle', description: 'the 2024 throttling RFC: callers that may block wait above 70 % of the pool until it drops below 65 %', factory: (env, o) => createThrottlePolicy(env, o) },
  { name: 'defer', description: 'FreeBSD busdma: a map that finds no room is queued FIFO and completed when space frees', factory: (env) => createDeferPolicy(env) },
];

/**
 * Every registered policy.
 *
 * @returns Entries in registration order.
 * @remarks Context: any.
 */
export function policyEntries(): readonly PolicyEntry[] {
  return ENTRIES;
}

/**
 * Look a policy up by name.
 *
 * @param name - Policy name.
 * @returns Its entry.
 * @throws InputError (code `unknown_policy`) listing the known names.
 * @remarks Context: any.
 */
export function getPolicy(name: string): PolicyEntry {
  const e = ENTRIES.find((x) => x.name === name);
  if (e === undefined) throw new InputError('unknown_policy', `Unknown policy '${name}': expected one of ${ENTRIES.map((x) => x.name).join(', ')}`);
  return e;
}

/**
 * Register a policy (each policy module's entry point calls this once).
 *
 * @param entry - The policy.
 * @remarks Context: module initialisation.
 */
export function registerPolicy(entry: PolicyEntry): void {
  if (ENTRIES.some((x) => x.name === entry.name)) return;
  ENTRIES.push(entry);
}
