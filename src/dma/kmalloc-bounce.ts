/**
 * dma_kmalloc_needs_bounce() (6.5+, arm64/riscv with
 * CONFIG_DMA_BOUNCE_UNALIGNED_KMALLOC): small kmalloc buffers may share a
 * cache line with other data, so a non-coherent device writing to them must
 * bounce. It is a size heuristic: the buffer's address is never examined
 * (spec §4.5).
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import { DMA_TO_DEVICE, type DmaDirection } from '../swiotlb/constants.js';

/** The architecture's parameters of the rule. */
export interface KmallocBounceConfig {
  /** ARCH_DMA_MINALIGN in bytes (arm64: 128). */
  archDmaMinalign: number;
  /** dma_get_cache_alignment(): the cache line size in bytes (arm64 cores: typically 64). */
  cacheAlignment: number;
}

/** arm64 defaults: ARCH_DMA_MINALIGN 128 (arch/arm64/include/asm/cache.h), a 64-byte cache line. */
export const ARM64_KMALLOC_BOUNCE: KmallocBounceConfig = { archDmaMinalign: 128, cacheAlignment: 64 };

/** kmalloc size classes with an 8-byte minimum alignment (kmalloc-8 ... kmalloc-8k; larger sizes are page allocations). */
const KMALLOC_CLASSES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192];

/**
 * kmalloc_size_roundup(): the size of the kmalloc object a request really gets.
 *
 * @param size - Requested bytes (> 0).
 * @returns The object size.
 * @remarks Context: any.
 */
export function kmallocSizeRoundup(size: number): number {
  for (const c of KMALLOC_CLASSES) if (size <= c) return c;
  return Math.ceil(size / 4096) * 4096;
}

/**
 * Whether dma-direct bounces this mapping because it may be an unaligned kmalloc buffer.
 *
 * @param cfg - The rule's parameters, or null where the config option is off (x86).
 * @param dev - Device.
 * @param size - Bytes mapped.
 * @param dir - Direction.
 * @returns true when the mapping must bounce.
 * @remarks Context: any.
 */
export function dmaKmallocNeedsBounce(cfg: KmallocBounceConfig | null, dev: Device, size: number, dir: DmaDirection): boolean {
  if (cfg === null || dev.coherent || dir === DMA_TO_DEVICE) return false;
  if (size >= 2 * cfg.archDmaMinalign) return false;
  return kmallocSizeRoundup(size) % cfg.cacheAlignment !== 0;
}
