/**
 * A DMA-capable device: the parameters the DMA layer and swiotlb read from
 * `struct device` and its `dma_parms`.
 *
 * @module
 */
import { InputError } from '../util/errors.js';
import { MASK_ALL, isLowMask, formatMask } from './mask.js';

/** What a caller may give when describing a device; everything but the name has a default. */
export interface DeviceOptions {
  /** Device name as the kernel prints it (e.g. a PCI BDF). Untrusted text. */
  name: string;
  /** Streaming DMA mask (`*dev->dma_mask`); default all ones. */
  dmaMask?: number;
  /** Coherent DMA mask; default equal to dmaMask. */
  coherentDmaMask?: number;
  /** Bus DMA limit (`bus_dma_limit`), 0 for none. */
  busDmaLimit?: number;
  /** `dma_parms->min_align_mask`: low address bits the bounce buffer must preserve; default 0. */
  minAlignMask?: number;
  /** `dma_parms->segment_boundary_mask`; default all ones (ULONG_MAX). */
  segmentBoundaryMask?: number;
  /** `dma_parms->max_segment_size` in bytes; default 65536 as dma_get_max_seg_size(). */
  maxSegmentSize?: number;
  /** Whether the device is DMA-coherent; default true (x86). */
  coherent?: boolean;
  /** Offset added to a physical address to get the device's DMA address; default 0. */
  dmaOffset?: number;
}

/** A device of the simulated machine. Immutable after creation. */
export interface Device {
  readonly id: number;
  readonly name: string;
  readonly dmaMask: number;
  readonly coherentDmaMask: number;
  readonly busDmaLimit: number;
  readonly minAlignMask: number;
  readonly segmentBoundaryMask: number;
  readonly maxSegmentSize: number;
  readonly coherent: boolean;
  readonly dmaOffset: number;
}

let nextDeviceId = 1;

/**
 * Create a device, validating that its masks make sense.
 *
 * @param options - Device description.
 * @returns The device, with a process-unique id.
 * @throws InputError (code `bad_device`) when a mask is not of the form 2^k - 1,
 *   the DMA mask is 0, or the max segment size is not a positive integer.
 * @remarks Context: any.
 */
export function createDevice(options: DeviceOptions): Device {
  const dmaMask = options.dmaMask ?? MASK_ALL;
  const dev: Device = {
    id: nextDeviceId++,
    name: options.name,
    dmaMask,
    coherentDmaMask: options.coherentDmaMask ?? dmaMask,
    busDmaLimit: options.busDmaLimit ?? 0,
    minAlignMask: options.minAlignMask ?? 0,
    segmentBoundaryMask: options.segmentBoundaryMask ?? MASK_ALL,
    maxSegmentSize: options.maxSegmentSize ?? 65536,
    coherent: options.coherent ?? true,
    dmaOffset: options.dmaOffset ?? 0,
  };
  const bad = (msg: string): never => {
    throw new InputError('bad_device', `Cannot create device '${dev.name}': ${msg}`);
  };
  for (const [field, value] of [
    ['dmaMask', dev.dmaMask],
    ['coherentDmaMask', dev.coherentDmaMask],
    ['minAlignMask', dev.minAlignMask],
    ['segmentBoundaryMask', dev.segmentBoundaryMask],
  ] as const) {
    if (!isLowMask(value)) bad(`${field} must be of the form 2^k - 1: current value is ${formatMask(value)}`);
  }
  if (dev.dmaMask === 0) bad('dmaMask is 0, so the device cannot address any memory');
  if (dev.segmentBoundaryMask < 0x7ff) {
    bad(`segmentBoundaryMask must cover at least one 2 KiB slot: current value is ${formatMask(dev.segmentBoundaryMask)}`);
  }
  if (dev.minAlignMask > 0x7fffffff) bad(`minAlignMask is wider than 31 bits: ${formatMask(dev.minAlignMask)}`);
  if (!Number.isInteger(dev.busDmaLimit) || dev.busDmaLimit < 0) bad('busDmaLimit must be a non-negative integer');
  if (!Number.isInteger(dev.maxSegmentSize) || dev.maxSegmentSize <= 0) {
    bad(`maxSegmentSize must be a positive integer: current value is ${dev.maxSegmentSize}`);
  }
  if (!Number.isInteger(dev.dmaOffset)) bad('dmaOffset must be an integer');
  return Object.freeze(dev);
}

/**
 * The highest DMA address the device can reach for streaming DMA:
 * min_not_zero(*dma_mask, bus_dma_limit).
 *
 * @param dev - The device.
 * @returns The limit (inclusive).
 * @remarks Context: any.
 */
export function dmaReachLimit(dev: Device): number {
  if (dev.busDmaLimit === 0) return dev.dmaMask;
  return Math.min(dev.dmaMask, dev.busDmaLimit);
}
