/**
 * The DMA layer's state: which allocator each device uses, the counters of
 * dma-direct, and the last failure. One context per simulated machine.
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import type { IoTlbMem } from '../swiotlb/io-tlb-mem.js';
import type { MappingFailure } from '../swiotlb/failure.js';

/** Exact counts of what dma-direct did. */
export interface DmaCounters {
  /** map_page calls. */
  maps: number;
  /** Maps that went to the device address directly (no bounce). */
  directMaps: number;
  /** Maps that went through swiotlb_map. */
  bouncedMaps: number;
  /** Maps that returned DMA_MAPPING_ERROR. */
  mapErrors: number;
  unmaps: number;
  syncsForCpu: number;
  syncsForDevice: number;
  /** Arch cache maintenance operations for non-coherent devices. */
  cacheMaintenance: number;
  /** swiotlb_bounced trace events that would have been emitted. */
  bouncedEvents: number;
  sgMaps: number;
  sgEntriesMapped: number;
  sgFailures: number;
}

/** Listener for the events the kernel would trace (replay comparison, reports). */
export interface DmaTraceHook {
  /** swiotlb:swiotlb_bounced, emitted before the allocation with the original's DMA address. */
  swiotlbBounced(dev: Device, devAddr: number, size: number, force: boolean): void;
}

/** State of the DMA layer. */
export interface DmaContext {
  /** Allocator used by devices without a restricted pool (`io_tlb_default_mem`); null when swiotlb was not set up. */
  defaultMem: IoTlbMem | null;
  /** Restricted DMA pools by device id. */
  readonly restricted: Map<number, IoTlbMem>;
  readonly counters: DmaCounters;
  /** Failure of the last map that returned DMA_MAPPING_ERROR. */
  lastFailure: MappingFailure | null;
  /** Kernel log lines from dma-direct (overflow warnings). */
  readonly log: string[];
  /** Optional trace hook. */
  trace: DmaTraceHook | null;
}

/**
 * Create a DMA context.
 *
 * @param defaultMem - The default allocator, or null for a machine without swiotlb.
 * @returns The context.
 * @remarks Context: process context.
 */
export function createDmaContext(defaultMem: IoTlbMem | null): DmaContext {
  return {
    defaultMem,
    restricted: new Map(),
    counters: {
      maps: 0,
      directMaps: 0,
      bouncedMaps: 0,
      mapErrors: 0,
      unmaps: 0,
      syncsForCpu: 0,
      syncsForDevice: 0,
      cacheMaintenance: 0,
      bouncedEvents: 0,
      sgMaps: 0,
      sgEntriesMapped: 0,
      sgFailures: 0,
    },
    lastFailure: null,
    log: [],
    trace: null,
  };
}

/**
 * The allocator a device uses (`dev->dma_io_tlb_mem`).
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @returns Its restricted pool, else the default allocator, else null.
 * @remarks Context: any.
 */
export function devIoTlbMem(ctx: DmaContext, dev: Device): IoTlbMem | null {
  return ctx.restricted.get(dev.id) ?? ctx.defaultMem;
}

/**
 * is_swiotlb_force_bounce(): the device's allocator exists and bounces everything.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @returns true when every mapping of the device bounces.
 * @remarks Context: any.
 */
export function isSwiotlbForceBounce(ctx: DmaContext, dev: Device): boolean {
  const mem = devIoTlbMem(ctx, dev);
  return mem !== null && mem.forceBounce;
}

/**
 * is_swiotlb_active(): the device's allocator exists and has slots.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @returns true when swiotlb can bounce for the device.
 * @remarks Context: any.
 */
export function isSwiotlbActive(ctx: DmaContext, dev: Device): boolean {
  const mem = devIoTlbMem(ctx, dev);
  return mem !== null && mem.nslabs > 0;
}
