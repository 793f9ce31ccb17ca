/**
 * The default swiotlb pool a machine gets at boot, decision for decision:
 * boot parameters, the architecture's size adjustment, the area count from the
 * possible CPUs, the power-of-two rounding, and the shrink-and-retry
 * allocation (spec §1.2-1.6). This file holds the top-level computeBootPool()
 * and re-exports the sizing building blocks by name.
 *
 * @module
 */
import { ContractError } from '../util/errors.js';
import { IO_TLB_SIZE } from './constants.js';
import { adjustNareas, createSwiotlbDefaults, swiotlbLog } from './sizing-defaults.js';
import type { SwiotlbDefaults } from './sizing-defaults.js';
import { archSwiotlbSetup } from './sizing-arch.js';
import type { ArchSetupOptions } from './sizing-arch.js';
import { allocateBootPool, areaNslabs } from './sizing-pool.js';
import type { BootAllocAttempt, BootAllocOptions } from './sizing-pool.js';
import { slabsToMb } from './sizing-math.js';
import { defaultsFromParse } from './params.js';
import type { ParamParseResult } from './params.js';
import { parseKernelCmdline } from './params-cmdline.js';

export {
  adjustNareas, cloneSwiotlbDefaults, createSwiotlbDefaults, roundUpDefaultNslabs, swiotlbAdjustSize, swiotlbSizeOrDefault,
} from './sizing-defaults.js';
export type { SwiotlbDefaults } from './sizing-defaults.js';
export { archSwiotlbSetup, arm64KmallocSwiotlbBytes, x86CocoSwiotlbBytes } from './sizing-arch.js';
export type { ArchSetup, ArchSetupOptions, SwiotlbArch } from './sizing-arch.js';
export { allocateBootPool, areaNslabs, limitNareas, swiotlbMaxSegment } from './sizing-pool.js';
export type { BootAllocAttempt, BootAllocOptions, BootAllocResult } from './sizing-pool.js';

/** Everything computeBootPool() needs; version switches default to the newest kernels. */
export interface BootPoolOptions extends ArchSetupOptions, BootAllocOptions {
  /** Full kernel command line (its `swiotlb=` words are parsed). Exclusive with `params`. */
  cmdline?: string;
  /** An already parsed `swiotlb=` result. Exclusive with `cmdline`. */
  params?: ParamParseResult;
  /** Parse `cmdline` with the unmerged v2 option grammar. @defaultValue false */
  dynamicOption?: boolean;
  /** Parse `cmdline` with the extra 64-bit pool RFC's grammar (a third number sizes the high pool). @defaultValue false */
  highPoolOption?: boolean;
  /** num_possible_cpus(). */
  possibleCpus: number;
  /** force_bounce is set before the allocation (6.6+); false: only on success (6.1). @defaultValue true */
  forceBounceBeforeAlloc?: boolean;
  /** Physical start of the pool, to print the `mapped [mem …]` line when the arch asks for it. */
  poolPhysAddr?: number;
}

/** How swiotlb_init() ended. */
export type BootPoolOutcome =
  | 'allocated'
  | 'not_needed' // no addressing limit and no force: nothing set up
  | 'force_disabled' // swiotlb=noforce
  | 'allocation_failed' // every attempt failed
  | 'area_divide_error'; // 0 areas: the kernel divides by zero (only after undefined behaviour)

/** The default pool and the globals after swiotlb_init(). */
export interface BootPool {
  outcome: BootPoolOutcome;
  /** Slots of the pool, 0 without a pool. */
  nslabs: number;
  /** Areas of the pool, 0 without a pool. */
  nareas: number;
  /** Slots per area (nslabs / nareas), 0 without a pool. */
  areaNslabs: number;
  /** Pool bytes (nslabs * 2048), 0 without a pool. */
  bytes: number;
  /** io_tlb_default_mem.force_bounce: every mapping bounces. */
  forceBounce: boolean;
  /** swiotlb_force_disable (`noforce`). */
  disabled: boolean;
  /** `swiotlb=dynamic` (v2 grammar only). */
  dynamic: boolean;
  /** Slots of the extra 64-bit pool from `swiotlb=<slots>,<areas>,<high slots>` (highPoolOption grammar); 0 when not given. */
  highNslabs: number;
  /** swiotlb_init()'s addressing_limit argument. */
  addressingLimit: boolean;
  /** default_nslabs / default_nareas afterwards (what later dynamic pools start from). */
  defaultNslabs: number;
  defaultNareas: number;
  /** A count above 2^63 went through roundup_pow_of_two() (undefined in C). */
  undefinedBehaviour: boolean;
  /** Allocation attempts, in order. */
  attempts: BootAllocAttempt[];
  /** Every kernel log line from swiotlb, parse time included, in order. */
  logLines: string[];
}

function startingDefaults(o: BootPoolOptions): SwiotlbDefaults {
  if (o.cmdline !== undefined && o.params !== undefined) {
    throw new ContractError('bad_argument', "Cannot compute the boot pool from both 'cmdline' and 'params': pass one of them");
  }
  if (o.params !== undefined) return defaultsFromParse(o.params);
  if (o.cmdline !== undefined) {
    return defaultsFromParse(parseKernelCmdline(o.cmdline, { dynamicOption: o.dynamicOption === true, highPoolOption: o.highPoolOption === true }));
  }
  return createSwiotlbDefaults();
}

function hex16(value: number): string {
  return `0x${value.toString(16).padStart(16, '0')}`;
}

/**
 * Compute the default pool a machine gets at boot: parse the parameters, run
 * the architecture's adjustment, then swiotlb_init() with its area rounding
 * and shrink-and-retry allocation.
 *
 * @param options - Command line or parsed parameters, machine facts, version switches,
 *   and an optional "can allocate N bytes" predicate.
 * @returns Pool geometry, flags, outcome and the kernel log lines in order.
 * @throws ContractError (code `bad_argument`) when possibleCpus or ramBytes is not a valid count,
 *   or when both cmdline and params are given.
 * @remarks Context: any (models boot, single-threaded).
 */
export function computeBootPool(options: BootPoolOptions): BootPool {
  const cpus = options.possibleCpus;
  if (!Number.isSafeInteger(cpus) || cpus < 1) {
    throw new ContractError('bad_argument', `Cannot compute the boot pool as 'possibleCpus' must be a positive integer: current value is ${cpus}`);
  }
  const d = startingDefaults(options);
  const arch = archSwiotlbSetup(d, options);
  let forceBounce = false;
  const pool = { outcome: 'allocated' as BootPoolOutcome, nslabs: 0, nareas: 0, attempts: [] as BootAllocAttempt[] };
  if (!arch.addressingLimit && !d.forceBounce) pool.outcome = 'not_needed';
  else if (d.forceDisable) pool.outcome = 'force_disabled';
  else {
    const wantForce = d.forceBounce || arch.forceFlag;
    if (options.forceBounceBeforeAlloc !== false) forceBounce = wantForce;
    if (d.defaultNareas === 0) adjustNareas(d, cpus);
    const r = allocateBootPool(d, options);
    pool.attempts = r.attempts;
    if (!r.ok) pool.outcome = 'allocation_failed';
    else if (r.nareas === 0) pool.outcome = 'area_divide_error';
    else {
      forceBounce = wantForce;
      pool.nslabs = r.nslabs;
      pool.nareas = r.nareas;
      if (arch.verbose && options.poolPhysAddr !== undefined) {
        const start = options.poolPhysAddr;
        swiotlbLog(d, `mapped [mem ${hex16(start)}-${hex16(start + r.nslabs * IO_TLB_SIZE)}] (${slabsToMb(r.nslabs)}MB)`);
      }
    }
  }
  return {
    outcome: pool.outcome,
    nslabs: pool.nslabs,
    nareas: pool.nareas,
    areaNslabs: areaNslabs(pool.nslabs, pool.nareas),
    bytes: pool.nslabs * IO_TLB_SIZE,
    forceBounce,
    disabled: d.forceDisable,
    dynamic: d.dynamic,
    highNslabs: d.highNslabs,
    addressingLimit: arch.addressingLimit,
    defaultNslabs: d.defaultNslabs,
    defaultNareas: d.defaultNareas,
    undefinedBehaviour: d.undefinedBehaviour,
    attempts: pool.attempts,
    logLines: [...d.log],
  };
}
