/**
 * What the architecture does to the default pool before swiotlb_init() (spec
 * §1.2 item 2, §1.4 item 1): the x86 confidential-VM rule (6 % of RAM clamped
 * to [64 MiB, 1 GiB], arch/x86/mm/mem_encrypt.c), the arm64/riscv rule for
 * bouncing unaligned kmalloc buffers (1 MiB per GiB of RAM, capped at the
 * default, arch/arm64/mm/init.c), and whether swiotlb_init() is asked for a
 * pool at all and with which flags.
 *
 * @module
 */
import { ContractError } from '../util/errors.js';
import { IO_TLB_DEFAULT_SIZE } from './constants.js';
import { swiotlbAdjustSize, swiotlbSizeOrDefault } from './sizing-defaults.js';
import type { SwiotlbDefaults } from './sizing-defaults.js';

/** Architectures modelled (riscv follows the arm64 rule). */
export type SwiotlbArch = 'x86' | 'arm64';

/** Machine facts the architecture code looks at. */
export interface ArchSetupOptions {
  arch: SwiotlbArch;
  /** Memory size as memblock_phys_mem_size() reports it, in bytes. */
  ramBytes: number;
  /** x86 SEV/TDX guest (CC_ATTR_GUEST_MEM_ENCRYPT) or arm64 realm. @defaultValue false */
  confidentialVm?: boolean;
  /**
   * Some memory lies beyond what 32-bit DMA (x86) or ZONE_DMA (arm64) reaches:
   * `max_possible_pfn > MAX_DMA32_PFN` / `max_pfn > PFN_DOWN(arm64_dma_phys_limit)`.
   * @defaultValue ramBytes > 4 GiB (memory assumed to start at 0, no PCI hole)
   */
  addressingLimit?: boolean;
  /** arm64/riscv with CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC (6.5+). @defaultValue true */
  arm64KmallocBounce?: boolean;
}

/** The arguments the architecture passes to swiotlb_init(). */
export interface ArchSetup {
  /** `addressing_limit`: a pool is wanted even without `swiotlb=force`. */
  addressingLimit: boolean;
  /** SWIOTLB_FORCE in the flags: every mapping bounces (confidential guests). */
  forceFlag: boolean;
  /**
   * The pool's `mapped [mem …]` line is printed at boot: SWIOTLB_VERBOSE in
   * the flags (arm64 prints it at init), or, on x86, pci_iommu_init() keeping
   * swiotlb because memory reaches above 4 GiB or the guest is confidential
   * (it prints `PCI-DMA: Using software bounce buffering for IO (SWIOTLB)`
   * and then the pool).
   */
  verbose: boolean;
}

const GiB = 1024 * 1024 * 1024;
const FOUR_GiB = 4 * GiB;

/**
 * Pool size an x86 SEV/TDX guest asks for: 6 % of memory, clamped to [64 MiB, 1 GiB].
 *
 * @param ramBytes - memblock_phys_mem_size() in bytes.
 * @returns Bytes passed to swiotlb_adjust_size().
 * @remarks Context: boot (mem_encrypt_setup_arch()).
 */
export function x86CocoSwiotlbBytes(ramBytes: number): number {
  const size = Number((BigInt(ramBytes) * 6n) / 100n);
  return Math.min(Math.max(size, IO_TLB_DEFAULT_SIZE), GiB);
}

/**
 * Pool size arm64/riscv ask for when only unaligned kmalloc buffers bounce:
 * 1 MiB per GiB of memory (rounded up), at most the current default size.
 *
 * @param ramBytes - memblock_phys_mem_size() in bytes.
 * @param sizeOrDefault - swiotlb_size_or_default() at that moment.
 * @returns Bytes passed to swiotlb_adjust_size().
 * @remarks Context: boot (mem_init()).
 */
export function arm64KmallocSwiotlbBytes(ramBytes: number, sizeOrDefault: number): number {
  return Math.min(sizeOrDefault, Math.ceil(ramBytes / 1024));
}

/**
 * Run the architecture's part: possibly swiotlb_adjust_size() (which logs and
 * only acts while default_nslabs is 32768), then decide swiotlb_init()'s arguments.
 *
 * @param state - Defaults after the boot parameters; may be adjusted.
 * @param options - Architecture and machine facts.
 * @returns addressing_limit and flags for swiotlb_init().
 * @remarks Context: boot, single-threaded, after parse_early_param().
 */
export function archSwiotlbSetup(state: SwiotlbDefaults, options: ArchSetupOptions): ArchSetup {
  const { arch, ramBytes } = options;
  if (!Number.isSafeInteger(ramBytes) || ramBytes < 0) {
    throw new ContractError('bad_argument', `Cannot size swiotlb as 'ramBytes' must be a non-negative integer: current value is ${ramBytes}`);
  }
  const cvm = options.confidentialVm === true;
  const beyondDma = options.addressingLimit ?? ramBytes > FOUR_GiB;
  if (arch === 'x86') {
    if (cvm) {
      swiotlbAdjustSize(state, x86CocoSwiotlbBytes(ramBytes));
      return { addressingLimit: true, forceFlag: true, verbose: true };
    }
    // A pool forced on (swiotlb=force) below 4 GiB stays without the late print: pci_iommu_init() does not keep it.
    return { addressingLimit: beyondDma, forceFlag: false, verbose: beyondDma };
  }
  if (cvm) return { addressingLimit: true, forceFlag: true, verbose: true };
  if (options.arm64KmallocBounce !== false && !beyondDma) {
    swiotlbAdjustSize(state, arm64KmallocSwiotlbBytes(ramBytes, swiotlbSizeOrDefault(state)));
    return { addressingLimit: true, forceFlag: false, verbose: true };
  }
  return { addressingLimit: beyondDma, forceFlag: false, verbose: true };
}
