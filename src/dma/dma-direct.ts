/**
 * dma-direct for one buffer: the decision to bounce, map, unmap and sync
 * (spec §4.4 - §4.6). Returns DMA addresses; failures are DMA_MAPPING_ERROR
 * (-1 here) with ctx.lastFailure holding the data.
 *
 * @module
 */
import { DMA_ATTR_MAY_SLEEP, DMA_ATTR_SKIP_CPU_SYNC, DMA_TO_DEVICE, type DmaDirection } from '../swiotlb/constants.js';
import { dmaReachLimit, type Device } from '../machine/device.js';
import { formatMask } from '../machine/mask.js';
import { devPolicy, isSwiotlbActive, isSwiotlbForceBounce, type DmaContext } from './dma-context.js';
import type { MappingFailure } from '../swiotlb/failure.js';
import type { CallContext, MapRequest, SwiotlbPolicy } from '../swiotlb/policy.js';
import { poolPassedDown } from '../swiotlb/profiles.js';
import { dmaKmallocNeedsBounce } from './kmalloc-bounce.js';

/** The error return of every map function, as the model writes DMA_MAPPING_ERROR. */
export const DMA_MAPPING_ERROR = -1;

/**
 * dma_capable(): whether the device can reach [addr, addr + size).
 *
 * @param dev - Device.
 * @param addr - DMA address.
 * @param size - Bytes (0 tests addr - 1, as the kernel does).
 * @returns true when reachable.
 * @remarks Context: any.
 */
export function dmaCapable(dev: Device, addr: number, size: number): boolean {
  if (addr === DMA_MAPPING_ERROR) return false;
  return addr + size - 1 <= dmaReachLimit(dev);
}

function overflow(ctx: DmaContext, dev: Device, what: string, addr: number, size: number): number {
  const line = `${dev.name}: ${what} 0x${addr.toString(16).padStart(16, '0')}+${size} overflow (mask ${formatMask(dev.dmaMask).slice(2)}, bus limit ${dev.busDmaLimit.toString(16)}).`;
  if (!ctx.log.includes(line)) ctx.log.push(line);
  return fail(ctx, { code: 'mask_unreachable', dmaAddr: addr, size, dmaLimit: dmaReachLimit(dev) });
}

// Scratch objects passed to policies; a policy that keeps a request (defer) copies it.
const scratchCall: CallContext = { cpu: 0, maySleep: false, now: 0 };
const scratchReq: MapRequest = { dev: null as unknown as Device, orig: 0, size: 0, allocAlignMask: 0, dir: 0, attrs: 0 };

/** The policy-level call context of a DMA API call (a reused object). */
function callContext(ctx: DmaContext, cpu: number, attrs: number): CallContext {
  scratchCall.cpu = cpu;
  scratchCall.maySleep = (attrs & DMA_ATTR_MAY_SLEEP) !== 0;
  scratchCall.now = ctx.now;
  return scratchCall;
}

function fail(ctx: DmaContext, f: MappingFailure): number {
  ctx.counters.mapErrors++;
  ctx.lastFailure = f;
  return DMA_MAPPING_ERROR;
}

/**
 * swiotlb_map(): bounce one buffer and check the device can reach the bounce buffer.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param cpu - Current CPU.
 * @param phys - Physical address of the buffer.
 * @param size - Bytes.
 * @param dir - Direction.
 * @param attrs - Attributes.
 * @returns DMA address of the bounce buffer, or DMA_MAPPING_ERROR.
 * @remarks Context: any context.
 */
export function swiotlbMap(ctx: DmaContext, dev: Device, cpu: number, phys: number, size: number, dir: DmaDirection, attrs: number): number {
  const policy = devPolicy(ctx, dev)!;
  ctx.counters.bouncedMaps++;
  ctx.counters.bouncedEvents++;
  ctx.trace?.swiotlbBounced(dev, phys + dev.dmaOffset, size, isSwiotlbForceBounce(ctx, dev));
  const call = callContext(ctx, cpu, attrs);
  scratchReq.dev = dev;
  scratchReq.orig = phys;
  scratchReq.size = size;
  scratchReq.allocAlignMask = 0;
  scratchReq.dir = dir;
  scratchReq.attrs = attrs;
  const tlb = policy.map(scratchReq, call);
  if (tlb === -1) return fail(ctx, policy.lastFailure!);
  if (tlb < 0) return tlb; // MAP_DEFERRED or MAP_BLOCKED: the caller completes or retries
  const dma = tlb + dev.dmaOffset;
  if (!dmaCapable(dev, dma, size)) {
    policy.unmap(dev, tlb, size, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC, call);
    return overflow(ctx, dev, 'swiotlb addr', dma, size);
  }
  if (!dev.coherent && (attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0) ctx.counters.cacheMaintenance++;
  return dma;
}

/**
 * dma_direct_map_page(): map a buffer, bouncing when forced or when the device cannot reach it.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param cpu - Current CPU (chooses the first swiotlb area).
 * @param phys - Physical address.
 * @param size - Bytes.
 * @param dir - Direction (not DMA_NONE).
 * @param attrs - Attributes.
 * @returns DMA address, or DMA_MAPPING_ERROR with ctx.lastFailure set.
 * @remarks Context: any context (process or interrupt).
 */
export function dmaDirectMapPage(ctx: DmaContext, dev: Device, cpu: number, phys: number, size: number, dir: DmaDirection, attrs: number): number {
  ctx.counters.maps++;
  if (isSwiotlbForceBounce(ctx, dev)) return swiotlbMap(ctx, dev, cpu, phys, size, dir, attrs);
  const dma = phys + dev.dmaOffset;
  if (!dmaCapable(dev, dma, size) || dmaKmallocNeedsBounce(ctx.kmallocBounce, dev, size, dir)) {
    if (isSwiotlbActive(ctx, dev)) return swiotlbMap(ctx, dev, cpu, phys, size, dir, attrs);
    return overflow(ctx, dev, 'DMA addr', dma, size);
  }
  ctx.counters.directMaps++;
  if (!dev.coherent && (attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0) ctx.counters.cacheMaintenance++;
  return dma;
}

/**
 * is_swiotlb_buffer(): whether a physical address is a bounce buffer of the device's allocator.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param phys - Physical address.
 * @returns true for a bounce buffer.
 * @remarks Context: any. The policy counts the lookup's work.
 */
export function isSwiotlbBuffer(ctx: DmaContext, dev: Device, phys: number): boolean {
  const p = devPolicy(ctx, dev);
  return p !== null && p.isBounceBuffer(dev, phys);
}

/**
 * The design to hand an unmap or sync of phys to, or null when phys is no
 * bounce buffer, with the lookups the kernel makes: up to 6.10 dma-direct
 * tests is_swiotlb_buffer() first (a counted lookup) and the swiotlb call
 * follows; 6.11+ calls the swiotlb wrapper unconditionally and its one lookup
 * is counted by the design (or, for an address that is no bounce buffer, here).
 */
function bouncePolicy(ctx: DmaContext, dev: Device, phys: number): SwiotlbPolicy | null {
  const p = devPolicy(ctx, dev);
  if (p === null) return null;
  if (p.holdsBounceBuffer === undefined || !poolPassedDown(p.profile)) return p.isBounceBuffer(dev, phys) ? p : null;
  if (p.holdsBounceBuffer(dev, phys)) return p;
  p.isBounceBuffer(dev, phys); // the wrapper's lookup, which finds nothing
  return null;
}

/**
 * dma_direct_sync_single_for_cpu(): invalidate caches, then copy back from the bounce buffer.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param dma - DMA address (may point inside a mapping).
 * @param size - Bytes.
 * @param dir - Direction.
 * @remarks Context: any context.
 */
export function dmaDirectSyncSingleForCpu(ctx: DmaContext, dev: Device, dma: number, size: number, dir: DmaDirection): void {
  ctx.counters.syncsForCpu++;
  const phys = dma - dev.dmaOffset;
  if (!dev.coherent) ctx.counters.cacheMaintenance++;
  const p = bouncePolicy(ctx, dev, phys);
  if (p !== null) p.syncForCpu(dev, phys, size, dir);
}

/**
 * dma_direct_sync_single_for_device(): copy into the bounce buffer, then clean caches.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param dma - DMA address.
 * @param size - Bytes.
 * @param dir - Direction.
 * @remarks Context: any context.
 */
export function dmaDirectSyncSingleForDevice(ctx: DmaContext, dev: Device, dma: number, size: number, dir: DmaDirection): void {
  ctx.counters.syncsForDevice++;
  const phys = dma - dev.dmaOffset;
  const p = bouncePolicy(ctx, dev, phys);
  if (p !== null) p.syncForDevice(dev, phys, size, dir);
  if (!dev.coherent) ctx.counters.cacheMaintenance++;
}

/**
 * dma_direct_unmap_page(): sync for the CPU (the copy-back), then free the bounce buffer without copying again.
 *
 * @param ctx - DMA context.
 * @param dev - Device.
 * @param dma - DMA address returned by the map.
 * @param size - Bytes mapped.
 * @param dir - Direction of the map.
 * @param attrs - Attributes.
 * @remarks Context: any context.
 */
export function dmaDirectUnmapPage(ctx: DmaContext, dev: Device, dma: number, size: number, dir: DmaDirection, attrs: number): void {
  ctx.counters.unmaps++;
  const phys = dma - dev.dmaOffset;
  if ((attrs & DMA_ATTR_SKIP_CPU_SYNC) === 0) dmaDirectSyncSingleForCpu(ctx, dev, dma, size, dir);
  const p = bouncePolicy(ctx, dev, phys);
  if (p !== null) p.unmap(dev, phys, size, dir, attrs | DMA_ATTR_SKIP_CPU_SYNC, callContext(ctx, 0, attrs));
}

/**
 * Whether a direction is one a map or sync accepts (DMA_NONE and anything else is the kernel's BUG).
 *
 * @param dir - Candidate direction.
 * @returns true for BIDIRECTIONAL, TO_DEVICE and FROM_DEVICE.
 * @remarks Context: any.
 */
export function validDirection(dir: number): dir is DmaDirection {
  return dir === 0 || dir === DMA_TO_DEVICE || dir === 2;
}
