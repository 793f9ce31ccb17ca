/**
 * Typed `dma:*` trace events (include/trace/events/dma.h), emitted by the
 * generic DMA API after each operation on 6.12+ kernels. One type per event
 * class; `kind` is the event name. Fields a given kernel version does not
 * print are null (e.g. `dir` of dma_alloc on 6.12).
 *
 * Directions are enum dma_data_direction numbers (BIDIRECTIONAL 0,
 * TO_DEVICE 1, FROM_DEVICE 2, NONE 3); attrs are the DMA_ATTR_* bits
 * rebuilt from the printed names. Addresses follow the events.ts rules
 * (-1 for DMA_MAPPING_ERROR).
 *
 * @module
 */
import type { TraceEventBase } from './events.js';

/** Fields every dma:* event prints first. */
export interface DmaEventBase extends TraceEventBase {
  /** Written in hardirq or softirq context (the third character of the flags column; false without one). */
  readonly irq: boolean;
  /** dev_name(dev). */
  readonly device: string;
}

/** dma_map_page / dma_map_resource (6.12) and dma_map_phys (6.19+). */
export interface DmaMapEvent extends DmaEventBase {
  readonly kind: 'dma_map_page' | 'dma_map_resource' | 'dma_map_phys';
  readonly dir: number;
  /** The DMA address returned (-1 when the map failed). */
  readonly dmaAddr: number;
  readonly size: number;
  readonly physAddr: number;
  readonly attrs: number;
}

/** dma_unmap_page / dma_unmap_resource (6.12) and dma_unmap_phys (6.19+). */
export interface DmaUnmapEvent extends DmaEventBase {
  readonly kind: 'dma_unmap_page' | 'dma_unmap_resource' | 'dma_unmap_phys';
  readonly dir: number;
  readonly dmaAddr: number;
  readonly size: number;
  readonly attrs: number;
}

/** dma_alloc (6.12, 6.19+), dma_alloc_pages, dma_alloc_sgt, dma_alloc_sgt_err (6.19+). */
export interface DmaAllocEvent extends DmaEventBase {
  readonly kind: 'dma_alloc' | 'dma_alloc_pages' | 'dma_alloc_sgt' | 'dma_alloc_sgt_err';
  /** null when not printed (6.12). */
  readonly dir: number | null;
  readonly dmaAddr: number;
  readonly size: number;
  /** `phys_addr=` when printed (some 6.12 builds), else null. */
  readonly physAddr: number | null;
  /** `virt_addr=` (%p, usually hashed) as text, else null. */
  readonly virtAddr: string | null;
  /** `phys_addrs=` of dma_alloc_sgt, else null. */
  readonly physAddrs: readonly number[] | null;
  /** gfp flags as printed (`GFP_KERNEL|__GFP_ZERO`, `none`). */
  readonly flags: string;
  readonly attrs: number;
}

/** dma_free (6.12, 6.19+), dma_free_pages, dma_free_sgt (6.19+). */
export interface DmaFreeEvent extends DmaEventBase {
  readonly kind: 'dma_free' | 'dma_free_pages' | 'dma_free_sgt';
  readonly dir: number | null;
  readonly dmaAddr: number;
  readonly size: number;
  readonly physAddr: number | null;
  readonly virtAddr: string | null;
  readonly physAddrs: readonly number[] | null;
  /** null when not printed (dma_free_sgt). */
  readonly attrs: number | null;
}

/** dma_map_sg: one entry per mapped segment; 6.19+ also prints the counts. */
export interface DmaMapSgEvent extends DmaEventBase {
  readonly kind: 'dma_map_sg';
  readonly dir: number;
  /** sg_dma_address of each mapped entry (at most 128 printed from 6.19). */
  readonly dmaAddrs: readonly number[];
  /** sg_dma_len of each mapped entry. */
  readonly sizes: readonly number[];
  /** sg_phys of each input entry. */
  readonly physAddrs: readonly number[];
  readonly attrs: number;
  /** Full input entry count (`nents=printed/full`), null before 6.19. */
  readonly nents: number | null;
  /** Full mapped entry count (`ents=printed/full`), null before 6.19. */
  readonly ents: number | null;
  /** `[TRUNCATED]`: more than 128 entries, the arrays are cut. */
  readonly truncated: boolean;
}

/** dma_map_sg_err (6.19+): the sg map failed. */
export interface DmaMapSgErrEvent extends DmaEventBase {
  readonly kind: 'dma_map_sg_err';
  readonly dir: number;
  /** sg_phys of each entry (the kernel prints them under `dma_addrs=`). */
  readonly physAddrs: readonly number[];
  /** Negative errno. */
  readonly err: number;
  readonly attrs: number;
}

/** dma_unmap_sg. */
export interface DmaUnmapSgEvent extends DmaEventBase {
  readonly kind: 'dma_unmap_sg';
  readonly dir: number;
  readonly physAddrs: readonly number[];
  readonly attrs: number;
}

/** dma_sync_single_for_cpu / dma_sync_single_for_device. */
export interface DmaSyncSingleEvent extends DmaEventBase {
  readonly kind: 'dma_sync_single_for_cpu' | 'dma_sync_single_for_device';
  readonly dir: number;
  readonly dmaAddr: number;
  readonly size: number;
}

/** dma_sync_sg_for_cpu / dma_sync_sg_for_device. */
export interface DmaSyncSgEvent extends DmaEventBase {
  readonly kind: 'dma_sync_sg_for_cpu' | 'dma_sync_sg_for_device';
  readonly dir: number;
  readonly dmaAddrs: readonly number[];
  readonly sizes: readonly number[];
}

/** Every dma:* event. */
export type DmaTraceEvent =
  | DmaMapEvent
  | DmaUnmapEvent
  | DmaAllocEvent
  | DmaFreeEvent
  | DmaMapSgEvent
  | DmaMapSgErrEvent
  | DmaUnmapSgEvent
  | DmaSyncSingleEvent
  | DmaSyncSgEvent;
