/**
 * Size limits a driver can query (spec §4.7).
 *
 * @module
 */
import { IO_TLB_SIZE, IO_TLB_MAX_MAPPING, PAGE_SIZE } from './constants.js';
import type { Device } from '../machine/device.js';

/**
 * swiotlb_max_mapping_size(): the largest mapping the device can bounce.
 *
 * @param dev - The device.
 * @returns 256 KiB minus min_align_mask rounded up to a slot (the mask itself, not mask + 1).
 * @remarks Context: any.
 */
export function swiotlbMaxMappingSize(dev: Device): number {
  const ma = dev.minAlignMask;
  const r = ma === 0 ? 0 : Math.ceil(ma / IO_TLB_SIZE) * IO_TLB_SIZE;
  return IO_TLB_MAX_MAPPING - r;
}

/**
 * swiotlb_max_segment() (6.1 only): pool bytes rounded down to a page, 0 without a pool.
 *
 * @param nslabs - Slots of the default pool.
 * @returns Bytes.
 * @remarks Context: any.
 */
export function swiotlbMaxSegment(nslabs: number): number {
  return Math.floor((nslabs * IO_TLB_SIZE) / PAGE_SIZE) * PAGE_SIZE;
}
