/**
 * The simulated machine: address map, physical memory, page allocator, memory
 * encryption and devices, with one snapshot of every count they keep.
 *
 * @module
 */
import { InputError } from '../util/errors.js';
import { createAddressMap, type AddressMap, type HoleOptions } from './address-map.js';
import { createDevice, type Device, type DeviceOptions } from './device.js';
import { MemoryEncryption, type EncryptionCounters } from './encryption.js';
import type { CmaOptions } from './cma.js';
import type { PageAllocatorCounters } from './gfp.js';
import { PageAllocator } from './page-allocator.js';
import { DEFAULT_CHUNK_BYTES, PhysMemory, type MemoryCounters, type MemoryMode } from './phys-memory.js';

/** What describes a machine; only ramBytes is required. */
export interface MachineOptions {
  /** Bytes of RAM; a positive multiple of 4096. */
  ramBytes: number;
  /** Non-RAM ranges (e.g. the PCI hole); RAM is placed around them. */
  holes?: readonly HoleOptions[];
  /** Exclusive end of ZONE_DMA; default 16 MiB. */
  zoneDmaEnd?: number;
  /** Exclusive end of ZONE_DMA32; default 4 GiB. */
  zoneDma32End?: number;
  /** `bytes` stores data, `accounting` only counts; default `bytes`. */
  memory?: MemoryMode;
  /** Chunk size of bytes-mode memory; default 1 MiB. */
  chunkBytes?: number;
  /** A CMA region; default none. */
  cma?: CmaOptions;
  /** Whether the machine is a confidential VM (memory encryption on); default false. */
  confidential?: boolean;
}

/** A JSON-serialisable snapshot of every count of the machine. */
export interface MachineCounters {
  memory: MemoryCounters;
  pages: PageAllocatorCounters;
  encryption: EncryptionCounters;
  devices: number;
}

/** A simulated machine. One per run; not shared across runs. */
export interface Machine {
  /** The physical address map. */
  readonly map: AddressMap;
  /** Physical memory. */
  readonly memory: PhysMemory;
  /** The buddy page allocator (with CMA and memblock reservations). */
  readonly pages: PageAllocator;
  /** Memory encryption state. */
  readonly encryption: MemoryEncryption;
  /**
   * Create a device and attach it to the machine.
   *
   * @param options - Device description.
   * @returns The device.
   * @throws InputError (code `duplicate_device`) when a device of that name exists, or `bad_device` from createDevice().
   * @remarks Context: process context (device probe).
   */
  addDevice(options: DeviceOptions): Device;
  /**
   * Look a device up by name.
   *
   * @param name - Device name.
   * @returns The device, or undefined.
   * @remarks Context: any.
   */
  device(name: string): Device | undefined;
  /**
   * All devices in the order they were added.
   *
   * @returns A new array.
   * @remarks Context: any.
   */
  devices(): Device[];
  /**
   * Snapshot every count.
   *
   * @returns A plain, JSON-serialisable object.
   * @remarks Context: any.
   */
  counters(): MachineCounters;
}

/**
 * Create a machine.
 *
 * @param options - RAM, holes, zones, memory mode, CMA and confidentiality.
 * @returns The machine with all RAM free (except CMA) and no devices.
 * @throws InputError (codes `bad_address_map`, `bad_cma`) or RangeError for unusable options.
 * @remarks Context: any (boot of the simulated machine).
 */
export function createMachine(options: MachineOptions): Machine {
  if (typeof options !== 'object' || options === null) {
    throw new InputError('bad_machine', 'Cannot create machine: expected an options object');
  }
  const map = createAddressMap({
    ramBytes: options.ramBytes,
    ...(options.holes !== undefined ? { holes: options.holes } : {}),
    ...(options.zoneDmaEnd !== undefined ? { zoneDmaEnd: options.zoneDmaEnd } : {}),
    ...(options.zoneDma32End !== undefined ? { zoneDma32End: options.zoneDma32End } : {}),
  });
  const memory = new PhysMemory(map, options.memory ?? 'bytes', options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  const pages = new PageAllocator(map, options.cma !== undefined ? { cma: options.cma } : {});
  const encryption = new MemoryEncryption(map, options.confidential ?? false);
  const byName = new Map<string, Device>();
  return {
    map,
    memory,
    pages,
    encryption,
    addDevice(devOptions: DeviceOptions): Device {
      if (byName.has(devOptions.name)) {
        throw new InputError('duplicate_device', `Cannot add device '${devOptions.name}': a device of that name already exists`);
      }
      const dev = createDevice(devOptions);
      byName.set(dev.name, dev);
      return dev;
    },
    device(name: string): Device | undefined {
      return byName.get(name);
    },
    devices(): Device[] {
      return [...byName.values()];
    },
    counters(): MachineCounters {
      return {
        memory: memory.counters(),
        pages: pages.counters(),
        encryption: encryption.counters(),
        devices: byName.size,
      };
    },
  };
}
