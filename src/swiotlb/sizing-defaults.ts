/**
 * The boot-time defaults of the default pool and the three functions that
 * change them before the pool is allocated: swiotlb_adjust_nareas(),
 * round_up_default_nslabs() and swiotlb_adjust_size() (spec §1.2). Identical
 * from 6.1.0 to 7.0.0.
 *
 * The state is a plain, JSON-friendly object that also collects the kernel log
 * lines, so a boot-parameter parse and the later init steps append to one log
 * in the order the kernel prints.
 *
 * @module
 */
import { IO_TLB_DEFAULT_NSLABS, IO_TLB_SEGSIZE, IO_TLB_SIZE, SWIOTLB_LOG_PREFIX } from './constants.js';
import {
  alignU64,
  asInt32,
  isPowerOfTwo,
  roundupIsUndefined,
  roundupPowOfTwo,
  slabsToBytes,
  slabsToMb,
  toU32,
  toU64,
} from './sizing-math.js';

/** Global swiotlb sizing state before the default pool exists (kernel/dma/swiotlb.c statics). */
export interface SwiotlbDefaults {
  /** `default_nslabs` (unsigned long): slots of the default pool; starts at 32768. */
  defaultNslabs: number;
  /** `default_nareas`: number of areas, 0 while not yet fixed. */
  defaultNareas: number;
  /** `swiotlb_force_bounce` (`swiotlb=force`). */
  forceBounce: boolean;
  /** `swiotlb_force_disable` (`swiotlb=noforce`). */
  forceDisable: boolean;
  /** `swiotlb_dynamic` (`swiotlb=dynamic`), only in the unmerged 2023 v2 series. */
  dynamic: boolean;
  /** Slots of the extra 64-bit pool (`swiotlb=<slots>,<areas>,<high slots>`, the RFC's grammar); 0 when not given. */
  highNslabs: number;
  /**
   * true once roundup_pow_of_two() was applied to a count above 2^63 (C undefined
   * behaviour, modelled as the x86-64/arm64 result 1: defaultNslabs is then 1).
   */
  undefinedBehaviour: boolean;
  /** Kernel log lines printed so far, each with its `software IO TLB: ` prefix, no newline. */
  log: string[];
}

/**
 * Fresh defaults as the kernel has them before any `swiotlb=` parameter.
 *
 * @returns default_nslabs 32768, default_nareas 0, no flags, empty log.
 * @remarks Context: any.
 */
export function createSwiotlbDefaults(): SwiotlbDefaults {
  return {
    defaultNslabs: IO_TLB_DEFAULT_NSLABS,
    defaultNareas: 0,
    forceBounce: false,
    forceDisable: false,
    dynamic: false,
    highNslabs: 0,
    undefinedBehaviour: false,
    log: [],
  };
}

/**
 * Deep copy of a defaults state (the log array is copied too).
 *
 * @param state - State to copy.
 * @returns An independent copy.
 * @remarks Context: any.
 */
export function cloneSwiotlbDefaults(state: SwiotlbDefaults): SwiotlbDefaults {
  return { ...state, log: [...state.log] };
}

/**
 * Append a line to the state's log with the swiotlb pr_fmt prefix (pr_info/pr_warn).
 *
 * @param state - State whose log grows.
 * @param text - Message as formatted by the kernel, without trailing newline.
 * @remarks Context: any.
 */
export function swiotlbLog(state: SwiotlbDefaults, text: string): void {
  state.log.push(`${SWIOTLB_LOG_PREFIX}${text}`);
}

/**
 * round_up_default_nslabs(): make the default pool a power of two of at least
 * IO_TLB_SEGSIZE slots per area; does nothing while default_nareas is 0.
 *
 * @param state - State to update.
 * @returns true if default_nslabs was changed (the caller prints a message).
 * @remarks Context: boot, single-threaded (early_param / arch setup / init).
 */
export function roundUpDefaultNslabs(state: SwiotlbDefaults): boolean {
  if (state.defaultNareas === 0) return false;
  const minimum = IO_TLB_SEGSIZE * state.defaultNareas; // unsigned long product, < 2^39
  if (state.defaultNslabs < minimum) {
    state.defaultNslabs = minimum;
  } else if (isPowerOfTwo(state.defaultNslabs)) {
    return false;
  }
  if (roundupIsUndefined(state.defaultNslabs)) state.undefinedBehaviour = true;
  state.defaultNslabs = roundupPowOfTwo(state.defaultNslabs);
  return true;
}

/**
 * swiotlb_adjust_nareas(): fix the area count (0 becomes 1, others round up to
 * a power of two), print `area num %d.`, then round the pool size up and print
 * `SWIOTLB bounce buffer size roundup to %luMB` if it changed.
 *
 * The kernel parameter is `unsigned int`: the value is truncated mod 2^32, and a
 * value above 2^31 rounds up to 2^32, which truncates to 0 areas ("not fixed").
 *
 * @param state - State to update.
 * @param nareas - Requested area count (boot parameter or possible CPUs).
 * @remarks Context: boot, single-threaded.
 */
export function adjustNareas(state: SwiotlbDefaults, nareas: number | bigint): void {
  let n = toU32(nareas);
  if (n === 0) n = 1;
  else if (!isPowerOfTwo(n)) n = toU32(roundupPowOfTwo(n));
  state.defaultNareas = n;
  swiotlbLog(state, `area num ${asInt32(n)}.`);
  if (roundUpDefaultNslabs(state)) {
    swiotlbLog(state, `SWIOTLB bounce buffer size roundup to ${slabsToMb(state.defaultNslabs)}MB`);
  }
}

/**
 * swiotlb_adjust_size(): an architecture's request for a default pool of `bytes`;
 * ignored unless default_nslabs is still exactly 32768 (so an explicit
 * `swiotlb=32768` does not prevent it).
 *
 * @param state - State to update.
 * @param bytes - Requested pool size in bytes (unsigned long).
 * @returns true if the size was applied (and `... adjusted to %luMB` printed).
 * @remarks Context: boot, single-threaded (arch setup, before swiotlb_init()).
 */
export function swiotlbAdjustSize(state: SwiotlbDefaults, bytes: number): boolean {
  if (state.defaultNslabs !== IO_TLB_DEFAULT_NSLABS) return false;
  let size = BigInt(alignU64(bytes, IO_TLB_SIZE));
  state.defaultNslabs = alignU64(size / BigInt(IO_TLB_SIZE), IO_TLB_SEGSIZE);
  if (roundUpDefaultNslabs(state)) size = toU64(BigInt(slabsToBytes(state.defaultNslabs)));
  swiotlbLog(state, `SWIOTLB bounce buffer size adjusted to ${size >> 20n}MB`);
  return true;
}

/**
 * swiotlb_size_or_default(): the default pool size in bytes.
 *
 * @param state - Current defaults.
 * @returns default_nslabs * 2048 (mod 2^64).
 * @remarks Context: any.
 */
export function swiotlbSizeOrDefault(state: SwiotlbDefaults): number {
  return slabsToBytes(state.defaultNslabs);
}
