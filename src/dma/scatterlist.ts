/**
 * Scatter-gather mapping through dma-direct (spec §4.6): each entry is mapped
 * on its own (its own bounce buffer, no merging); the first failure unmaps the
 * entries already mapped, without copying back, and fails the whole list.
 *
 * @module
 */
import { DMA_ATTR_SKIP_CPU_SYNC, type DmaDirection } from '../swiotlb/constants.js';
import type { Device } from '../machine/device.js';
import type { DmaContext } from './dma-context.js';
import {
  DMA_MAPPING_ERROR,
  dmaDirectMapPage,
  dmaDirectUnmapPage,
  dmaDirectSyncSingleForCpu,
  dmaDirectSyncSingleForDevice,
} from './dma-direct.js';

/** One scatterlist entry. dmaAddress and dmaLength are set by a successful map. */
export interface ScatterEntry {
  /** Physical address of the segment. */
  phys: number;
  /** Bytes (`sg->length`). */
  length: number;
  /** `sg_dma_address()` after mapping; DMA_MAPPING_ERROR before. */
  dmaAddress: number;
  /** `sg_dma_len()` after mapping. */
  dmaLength: number;
}

/**
 * Build scatterlist entries from (phys, length) pairs.
 *
 * @param segments - Segments in order.
 * @returns Entries ready to map.
 * @remarks Context: any.
 */
export function scatterlist(segments: readonly { phys: number; length: number }[]): ScatterEntry[] {
  return segments.map((s) => ({ phys: s.phys, length: s.length, dmaAddress: DMA_MAPPING_ERROR, dmaLength: 0 }));
}

/**
 * dma_direct_map_sg(): map every entry; all or nothing.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param cpu - Current CPU.
 * @param sgl - Entries.
 * @param dir - Direction.
 * @param attrs - Attributes.
 * @returns Number of entries mapped (all of them), or 0 on failure (dma_map_sg_attrs turns -EIO into 0).
 * @remarks Context: any context.
 */
export function dmaDirectMapSg(ctx: DmaContext, dev: Device, cpu: number, sgl: ScatterEntry[], dir: DmaDirection, attrs: number): number {
  ctx.counters.sgMaps++;
  for (let i = 0; i < sgl.length; i++) {
    const sg = sgl[i]!;
    const dma = dmaDirectMapPage(ctx, dev, cpu, sg.phys, sg.length, dir, attrs);
    if (dma === DMA_MAPPING_ERROR) {
      for (let j = 0; j < i; j++) {
        const done = sgl[j]!;
        dmaDirectUnmapPage(ctx, dev, done.dmaAddress, done.length, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC);
        done.dmaAddress = DMA_MAPPING_ERROR;
        done.dmaLength = 0;
      }
      ctx.counters.sgFailures++;
      return 0;
    }
    sg.dmaAddress = dma;
    sg.dmaLength = sg.length;
    ctx.counters.sgEntriesMapped++;
  }
  return sgl.length;
}

/**
 * dma_direct_unmap_sg(): unmap every entry (copying back as each unmap does).
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param sgl - Entries mapped by dmaDirectMapSg.
 * @param dir - Direction of the map.
 * @param attrs - Attributes.
 * @remarks Context: any context.
 */
export function dmaDirectUnmapSg(ctx: DmaContext, dev: Device, sgl: ScatterEntry[], dir: DmaDirection, attrs: number): void {
  for (const sg of sgl) {
    dmaDirectUnmapPage(ctx, dev, sg.dmaAddress, sg.length, dir, attrs);
    sg.dmaAddress = DMA_MAPPING_ERROR;
    sg.dmaLength = 0;
  }
}

/**
 * dma_direct_sync_sg_for_cpu() / _for_device(): sync each entry using sg->length.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param sgl - Mapped entries.
 * @param dir - Direction.
 * @param forCpu - true for the CPU, false for the device.
 * @remarks Context: any context.
 */
export function dmaDirectSyncSg(ctx: DmaContext, dev: Device, sgl: ScatterEntry[], dir: DmaDirection, forCpu: boolean): void {
  for (const sg of sgl) {
    if (forCpu) dmaDirectSyncSingleForCpu(ctx, dev, sg.dmaAddress, sg.length, dir);
    else dmaDirectSyncSingleForDevice(ctx, dev, sg.dmaAddress, sg.length, dir);
  }
}
