/**
 * The machine layer: physical address map, physical memory, buddy page
 * allocator with CMA and memblock-style reservations, memory encryption state,
 * devices and DMA masks. Explicit exports only: what is not listed here is
 * internal to the layer.
 *
 * @module
 */
export {
  DEFAULT_ZONE_DMA32_END,
  DEFAULT_ZONE_DMA_END,
  MAX_ORDER,
  MAX_ORDER_BYTES,
  MAX_ORDER_NR_PAGES,
  MAX_PHYS_ADDRESS,
  PAGE_SHIFT,
  PAGE_SIZE,
} from './constants.js';
export {
  AddressMap,
  ZONE_DMA,
  ZONE_DMA32,
  ZONE_NAMES,
  ZONE_NORMAL,
  createAddressMap,
  type AddressMapOptions,
  type HoleOptions,
  type MemRange,
  type ZoneId,
} from './address-map.js';
export { DEFAULT_CHUNK_BYTES, PhysMemory, type MemoryCounters, type MemoryMode } from './phys-memory.js';
export { PageAllocator } from './page-allocator.js';
export {
  zoneIndex,
  type AllocFailure,
  type AllocRequest,
  type PageAllocatorCounters,
  type PageAllocatorOptions,
  type ZoneName,
  type ZonePages,
} from './gfp.js';
export type { CmaOptions } from './cma.js';
export type { FreeArea } from './free-area.js';
export { BitTree } from './bit-tree.js';
export { fragmentMemory, type FragmentHandle, type FragmentPattern } from './fragment.js';
export { Prng, createPrng } from './prng.js';
export { MemoryEncryption, type EncryptionCounters } from './encryption.js';
export { createMachine, type Machine, type MachineCounters, type MachineOptions } from './machine.js';
export { createDevice, dmaReachLimit, type Device, type DeviceOptions } from './device.js';
export { MASK_ALL, andLowMask, dmaBitMask, formatMask, isLowMask, parseMask } from './mask.js';
