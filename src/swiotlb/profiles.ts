/**
 * Kernel version profiles: every behavioural difference between releases is a
 * named switch here, so a version is a table entry, not a code path.
 * Values follow linux-swiotlb-spec.md §0 ("Suggested feature switches").
 *
 * @module
 */
import { InputError } from '../util/errors.js';

/** Search/alignment family (spec §3.3). */
export type SearchFamily = 'V61' | 'V61s' | 'V66a' | 'V66b' | 'V69';

/** All switches that decide behaviour for one kernel release. */
export interface KernelProfile {
  /** Name users select (`--kernel 6.1`). */
  readonly name: string;
  /** Releases this profile stands for. */
  readonly releases: string;
  /** Alignment masks and stride rules of the slot search. */
  readonly family: SearchFamily;
  /** Scan loop: V61's do/while with a wrap sentinel (may livelock), or 6.6's slots_checked counter. */
  readonly loop: 'wrap' | 'checked';
  /** Padding slots before the data (6.6.35+, 6.9+). */
  readonly padSlots: boolean;
  /** Search size: caller's alloc_size + offset (<= 6.10), or ALIGN(mapping + offset, AA + 1) (6.11+). */
  readonly mapSizing: 'alloc_size' | 'aligned_mapping';
  /** swiotlb_bounce accepts a negative in-slot offset (6.9+ partial-sync fix). */
  readonly bounceSignedOffset: boolean;
  /** limit_nareas() caps areas to nslabs / 128 (6.1.40+, 6.6+). */
  readonly limitNareas: boolean;
  /** Boot allocation halves and retries on memblock failure (6.1.40+, 6.6+). */
  readonly halvingOnMemblockFailure: boolean;
  /** Initial `list` clamped to the pool end (6.6.3+, 6.7+). */
  readonly listClampedToPoolEnd: boolean;
  /** force_bounce is set before the pool allocation (6.6+). */
  readonly forceBounceBeforeAlloc: boolean;
  /** swiotlb_alloc() alignment: none (V61, V66a), page order (6.6.24+), page order plus page check (6.6.35+, 6.9+). */
  readonly swiotlbAllocAlign: 'none' | 'page_order' | 'page_order_checked';
  /** debugfs has io_tlb_used_hiwater and the atomic total_used counter (6.4+). */
  readonly debugfsTotalUsed: boolean;
  /** debugfs has io_tlb_transient_nslabs (6.9+). */
  readonly debugfsTransient: boolean;
  /** dma_kmalloc_needs_bounce() exists in dma-direct (6.5+). */
  readonly kmallocBounce: boolean;
  /** CONFIG_SWIOTLB_DYNAMIC search order across pools when the policy grows: null when unavailable. */
  readonly dynamicOrder: 'pool-major' | 'area-major' | null;
  /** 6.8+: a DYNAMIC search rejects > 128 slots before trying growth. */
  readonly dynamicEarlyReject: boolean;
  /** swiotlb_max_segment() is exported (V61 only). */
  readonly hasMaxSegment: boolean;
}

const base61: KernelProfile = {
  name: '6.1',
  releases: '6.1.84 - 6.1.166+ (Debian 12 6.1.192, the oracle kernel)',
  family: 'V61s',
  loop: 'wrap',
  padSlots: false,
  mapSizing: 'alloc_size',
  bounceSignedOffset: false,
  limitNareas: true,
  halvingOnMemblockFailure: true,
  listClampedToPoolEnd: false,
  forceBounceBeforeAlloc: false,
  swiotlbAllocAlign: 'none',
  debugfsTotalUsed: false,
  debugfsTransient: false,
  kmallocBounce: false,
  dynamicOrder: null,
  dynamicEarlyReject: false,
  hasMaxSegment: true,
};

const base66: KernelProfile = {
  name: '6.6.0',
  releases: 'mainline 6.6 - 6.7, stable 6.6.3 - 6.6.23',
  family: 'V66a',
  loop: 'checked',
  padSlots: false,
  mapSizing: 'alloc_size',
  bounceSignedOffset: false,
  limitNareas: true,
  halvingOnMemblockFailure: true,
  listClampedToPoolEnd: true,
  forceBounceBeforeAlloc: true,
  swiotlbAllocAlign: 'none',
  debugfsTotalUsed: true,
  debugfsTransient: false,
  kmallocBounce: true,
  dynamicOrder: 'pool-major',
  dynamicEarlyReject: false,
  hasMaxSegment: false,
};

/** Every profile, by name. */
export const PROFILES: ReadonlyMap<string, KernelProfile> = new Map(
  ([
    { ...base61, name: '6.1.0', releases: '6.1.0 - 6.1.39', family: 'V61', limitNareas: false, halvingOnMemblockFailure: false },
    base61,
    base66,
    { ...base66, name: '6.6.24', releases: 'stable 6.6.24 - 6.6.34', family: 'V66b', swiotlbAllocAlign: 'page_order' },
    {
      ...base66,
      name: '6.9',
      releases: 'mainline 6.9 - 6.10 (6.6.35+ has the same search but keeps the pool-major order)',
      family: 'V69',
      padSlots: true,
      bounceSignedOffset: true,
      swiotlbAllocAlign: 'page_order_checked',
      debugfsTransient: true,
      dynamicOrder: 'area-major',
      dynamicEarlyReject: true,
    },
    {
      ...base66,
      name: '6.12',
      releases: 'mainline 6.11 - 7.0 (6.12 LTS)',
      family: 'V69',
      padSlots: true,
      mapSizing: 'aligned_mapping',
      bounceSignedOffset: true,
      swiotlbAllocAlign: 'page_order_checked',
      debugfsTransient: true,
      dynamicOrder: 'area-major',
      dynamicEarlyReject: true,
    },
  ] satisfies KernelProfile[]).map((p) => [p.name, Object.freeze(p)] as const),
);

/**
 * Look a profile up by name.
 *
 * @param name - A profile name such as `6.1` or `6.12`.
 * @returns The profile.
 * @throws InputError (code `unknown_kernel`) listing the known names.
 * @remarks Context: any.
 */
export function getProfile(name: string): KernelProfile {
  const p = PROFILES.get(name);
  if (p === undefined) {
    throw new InputError('unknown_kernel', `Unknown kernel profile '${name}': expected one of ${[...PROFILES.keys()].join(', ')}`);
  }
  return p;
}

/**
 * Whether the DMA layer looks a bounce address's pool up once per call and
 * passes it down (6.11+, "reduce swiotlb pool lookups"): dma-direct then calls
 * the swiotlb wrappers without is_swiotlb_buffer() first, and the helpers
 * below them (bounce, release) take the pool instead of finding it again.
 * The profiles carry no switch of their own for it; 6.11's map sizing
 * (`aligned_mapping`) arrived in the same release and stands for it.
 *
 * @param profile - Kernel profile.
 * @returns true for 6.11+.
 * @remarks Context: any.
 */
export function poolPassedDown(profile: KernelProfile): boolean {
  return profile.mapSizing === 'aligned_mapping';
}
