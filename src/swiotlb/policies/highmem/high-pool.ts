/**
 * The extra 64-bit pool of the "swiotlb: extra 64-bit buffer for
 * dev->dma_io_tlb_mem" RFC (Dongli Zhang, June 2022): a second allocator
 * (`io_tlb_high_mem`) reserved at boot with SWIOTLB_ANY, i.e. anywhere in
 * memory (memblock's top-down allocator puts it at the top of RAM), sized by
 * a second number of `swiotlb=` (`swiotlb=327680,3145728,force`: 640 MiB low,
 * 6 GiB high), and chosen per device by its DMA reach.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { dmaReachLimit } from '../../../machine/device.js';
import { IO_TLB_SEGSIZE, IO_TLB_SIZE, PAGE_SIZE, alignUp } from '../../constants.js';
import { createIoTlbMem, type IoTlbMem } from '../../io-tlb-mem.js';
import type { PolicyEnv } from '../../policy.js';
import { limitNareas } from '../../sizing-pool.js';
import { InputError } from '../../../util/errors.js';
import type { SwiotlbDebugfs } from '../../debugfs.js';

/** Options of createHighmemPolicy(). */
export interface HighmemPolicyOptions {
  /** Bytes of the 64-bit pool (rounded up to 128 slots); default env.poolBytes; 0: none (the fixed design). */
  highBytes?: number;
}

/** The debugfs directories of the two pools. */
export interface HighmemDebugfs {
  swiotlb: SwiotlbDebugfs;
  'swiotlb-hi'?: SwiotlbDebugfs;
}

/**
 * Slots of the high pool for a byte size, as the RFC's parser makes them:
 * ALIGN(nslabs, IO_TLB_SEGSIZE).
 *
 * @param bytes - Requested bytes (>= 0).
 * @returns Slots, a multiple of 128 (0 for none).
 * @remarks Context: any.
 */
export function highNslabs(bytes: number): number {
  return alignUp(Math.ceil(bytes / IO_TLB_SIZE), IO_TLB_SEGSIZE);
}

/**
 * Reserve the high pool (__swiotlb_init_remap(…, SWIOTLB_ANY, …, high = true)):
 * top-down anywhere in RAM, page aligned, shared with the host in a
 * confidential VM; areas as the boot pool's (limit_nareas() where the profile has it).
 *
 * @param env - Machine, profile, areas, force and confidentiality.
 * @param bytes - Size of the high pool.
 * @returns The high allocator, or null when bytes is 0 (no high pool).
 * @throws InputError (code `no_memory`) when the pool does not fit in RAM; `bad_option` for a negative or non-integer size.
 * @remarks Context: process context (boot).
 */
export function reserveHighPool(env: PolicyEnv, bytes: number): IoTlbMem | null {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new InputError('bad_option', `Cannot size the high swiotlb pool: expected a non-negative integer of bytes: current value is ${bytes}`);
  const nslabs = highNslabs(bytes);
  if (nslabs === 0) return null;
  const m = env.machine;
  const size = nslabs * IO_TLB_SIZE;
  const start = m.pages.reserveTopDown(size, PAGE_SIZE, m.map.ramEnd);
  if (start < 0) throw new InputError('no_memory', `Cannot reserve a ${size}-byte high swiotlb pool on this machine`);
  if (env.confidential) m.encryption.setShared(start, Math.ceil(size / PAGE_SIZE));
  return createIoTlbMem({
    profile: env.profile,
    start,
    nslabs,
    nareas: env.profile.limitNareas ? limitNareas(env.nareas, nslabs) : env.nareas,
    forceBounce: env.forceBounce,
    memory: m.memory,
  });
}

/**
 * Whether a device uses the high pool: its reach, min_not_zero(dma_mask,
 * bus_dma_limit), covers the whole pool.
 *
 * @param high - The high allocator, or null.
 * @param dev - The device.
 * @returns true when the device's mappings go to the high pool.
 * @remarks Context: any.
 */
export function usesHighPool(high: IoTlbMem | null, dev: Device): boolean {
  const pool = high?.pools[0];
  return pool !== undefined && dmaReachLimit(dev) >= pool.end - 1;
}
