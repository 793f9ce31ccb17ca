/**
 * The DMA layer's state: which allocator each device uses, the counters of
 * dma-direct, and the last failure. One context per simulated machine.
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import type { MappingFailure } from '../swiotlb/failure.js';
import type { SwiotlbPolicy } from '../swiotlb/policy.js';
import type { KmallocBounceConfig } from './kmalloc-bounce.js';

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
  /** The swiotlb design used by devices without a restricted pool (`io_tlb_default_mem`); null when swiotlb was not set up. */
  policy: SwiotlbPolicy | null;
  /** The default allocator bounces every mapping (`swiotlb=force`, CoCo guests). */
  forceBounce: boolean;
  /** Restricted DMA pools by device id (they always bounce). */
  readonly restricted: Map<number, SwiotlbPolicy>;
  /** Simulated time in nanoseconds, passed to the policy with every call. */
  now: number;
  /** dma_kmalloc_needs_bounce() parameters (arm64 with a 6.5+ kernel), or null. */
  kmallocBounce: KmallocBounceConfig | null;
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
 * @param policy - The default swiotlb design, or null for a machine without swiotlb.
 * @param forceBounce - Whether every mapping bounces through it.
 * @returns The context.
 * @remarks Context: process context.
 */
export function createDmaContext(policy: SwiotlbPolicy | null, forceBounce: boolean): DmaContext {
  return {
    policy,
    forceBounce,
    restricted: new Map(),
    now: 0,
    kmallocBounce: null,
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
 * The swiotlb design a device uses (`dev->dma_io_tlb_mem`).
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @returns Its restricted pool, else the default policy, else null.
 * @remarks Context: any.
 */
export function devPolicy(ctx: DmaContext, dev: Device): SwiotlbPolicy | null {
  // Most machines have no restricted pool: skip the map lookup on the hot path.
  if (ctx.restricted.size === 0) return ctx.policy;
  return ctx.restricted.get(dev.id) ?? ctx.policy;
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
  if (ctx.policy !== null && ctx.forceBounce) return true;
  return ctx.restricted.size !== 0 && ctx.restricted.has(dev.id);
}

/**
 * is_swiotlb_active(): the device's swiotlb design exists and can bounce.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @returns true when swiotlb can bounce for the device.
 * @remarks Context: any.
 */
export function isSwiotlbActive(ctx: DmaContext, dev: Device): boolean {
  const p = devPolicy(ctx, dev);
  return p !== null && p.maxMappingSize(dev) > 0;
}
