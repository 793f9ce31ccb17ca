/**
 * Constants of the Linux software IO TLB, identical from 6.1 to 7.0
 * (include/linux/swiotlb.h, kernel/dma/swiotlb.c).
 *
 * @module
 */

/** log2 of the slot ("slab") size. */
export const IO_TLB_SHIFT = 11;
/** Bytes per slot. */
export const IO_TLB_SIZE = 1 << IO_TLB_SHIFT;
/** Slots per segment: no mapping crosses a segment, so this is the largest mapping in slots. */
export const IO_TLB_SEGSIZE = 128;
/** Default pool size in bytes (64 MiB). */
export const IO_TLB_DEFAULT_SIZE = 64 * 1024 * 1024;
/** Default pool size in slots. */
export const IO_TLB_DEFAULT_NSLABS = IO_TLB_DEFAULT_SIZE >> IO_TLB_SHIFT;
/** Smallest pool worth having (1 MiB), the floor of every shrink-and-retry loop. */
export const IO_TLB_MIN_SLABS = (1024 * 1024) >> IO_TLB_SHIFT;
/** Bytes per page (x86-64 and the default everywhere here). */
export const PAGE_SIZE = 4096;
/** log2 of PAGE_SIZE. */
export const PAGE_SHIFT = 12;
/** Slots per page. */
export const SLABS_PER_PAGE = PAGE_SIZE >> IO_TLB_SHIFT;
/** Largest buddy order (inclusive), MAX_ORDER in 6.4-6.7, MAX_PAGE_ORDER from 6.8. */
export const MAX_PAGE_ORDER = 10;
/** Largest single mapping in bytes (128 slots, 256 KiB). */
export const IO_TLB_MAX_MAPPING = IO_TLB_SEGSIZE * IO_TLB_SIZE;
/** Sentinel stored in a slot that has no original buffer. Kept as -1 in the model. */
export const INVALID_PHYS_ADDR = -1;
/** The all-ones 64-bit value, as the kernel prints DMA_MAPPING_ERROR. */
export const DMA_MAPPING_ERROR_HEX = '0xffffffffffffffff';

/** DMA directions (include/linux/dma-direction.h). */
export const DMA_BIDIRECTIONAL = 0;
export const DMA_TO_DEVICE = 1;
export const DMA_FROM_DEVICE = 2;
export const DMA_NONE = 3;
/** A DMA direction value. */
export type DmaDirection = 0 | 1 | 2 | 3;

/** DMA attributes (include/linux/dma-mapping.h), plus the 2023 v2 series' MAY_SLEEP. */
export const DMA_ATTR_WEAK_ORDERING = 1 << 1;
export const DMA_ATTR_WRITE_COMBINE = 1 << 2;
export const DMA_ATTR_NO_KERNEL_MAPPING = 1 << 4;
export const DMA_ATTR_SKIP_CPU_SYNC = 1 << 5;
export const DMA_ATTR_FORCE_CONTIGUOUS = 1 << 6;
export const DMA_ATTR_ALLOC_SINGLE_PAGES = 1 << 7;
export const DMA_ATTR_NO_WARN = 1 << 8;
export const DMA_ATTR_PRIVILEGED = 1 << 9;
/** Proposed in the unmerged 2023 v2 series: the caller may sleep (allocation may use CMA). */
export const DMA_ATTR_MAY_SLEEP = 1 << 16;

/** Kernel log prefix of everything printed by kernel/dma/swiotlb.c. */
export const SWIOTLB_LOG_PREFIX = 'software IO TLB: ';

/**
 * Number of slots needed for a byte count (the kernel's nr_slots()).
 *
 * @param bytes - Byte count, >= 0.
 * @returns ceil(bytes / IO_TLB_SIZE).
 * @remarks Context: any.
 */
export function nrSlots(bytes: number): number {
  return Math.ceil(bytes / IO_TLB_SIZE);
}

/**
 * Round a value up to a multiple of a power-of-two or any positive step.
 *
 * @param value - Non-negative value.
 * @param step - Positive step.
 * @returns The smallest multiple of step that is >= value.
 * @remarks Context: any.
 */
export function alignUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}
