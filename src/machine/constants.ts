/**
 * Constants of the simulated machine: page size, buddy orders and the largest
 * physical address the model accepts.
 *
 * The machine layer defines its own copies instead of importing from swiotlb,
 * because a lower layer never imports a higher one.
 *
 * @module
 */

/** log2 of the page size (x86-64). */
export const PAGE_SHIFT = 12;
/** Bytes per page. */
export const PAGE_SIZE = 4096;
/** Largest buddy order (inclusive): MAX_ORDER in 6.4-6.7, MAX_PAGE_ORDER from 6.8. */
export const MAX_ORDER = 10;
/** Pages in a block of the largest order (1024 pages, 4 MiB). */
export const MAX_ORDER_NR_PAGES = 2 ** MAX_ORDER;
/** Bytes in a block of the largest order; zone limits and CMA regions are multiples of it. */
export const MAX_ORDER_BYTES = MAX_ORDER_NR_PAGES * PAGE_SIZE;
/**
 * Exclusive upper bound of physical addresses the model holds (1 TiB).
 *
 * Page frame numbers therefore stay below 2^28, so pfn arithmetic may use
 * 32-bit bit operations; byte addresses never do.
 */
export const MAX_PHYS_ADDRESS = 2 ** 40;
/** Default end of ZONE_DMA (16 MiB, x86 ISA DMA). */
export const DEFAULT_ZONE_DMA_END = 16 * 1024 * 1024;
/** Default end of ZONE_DMA32 (4 GiB). */
export const DEFAULT_ZONE_DMA32_END = 4 * 1024 * 1024 * 1024;
