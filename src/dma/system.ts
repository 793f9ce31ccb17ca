/**
 * Boot a simulated machine with swiotlb the way Linux does: parse the
 * command line, size the pool, reserve it top-down in low memory, share it
 * with the host in a confidential VM, and set up dma-direct for the devices.
 *
 * @module
 */
import { createMachine, type Machine } from '../machine/machine.js';
import type { Device, DeviceOptions } from '../machine/device.js';
import type { MemoryMode } from '../machine/phys-memory.js';
import { getProfile, type KernelProfile } from '../swiotlb/profiles.js';
import { computeBootPool, type BootPool } from '../swiotlb/sizing.js';
import { createIoTlbMem, type IoTlbMem } from '../swiotlb/io-tlb-mem.js';
import { IO_TLB_SIZE, PAGE_SIZE } from '../swiotlb/constants.js';
import { createDmaContext, type DmaContext } from './dma-context.js';
import { ARM64_KMALLOC_BOUNCE } from './kmalloc-bounce.js';
import { FixedPolicy } from '../swiotlb/policies/fixed/policy.js';
import type { SwiotlbPolicy } from '../swiotlb/policy.js';
import { InputError } from '../util/errors.js';

/** x86's ARCH_LOW_ADDRESS_LIMIT + 1: memblock_alloc_low() places the pool below 4 GiB. */
export const LOW_MEMORY_END = 0x1_0000_0000;

/** Options of {@link createSystem}. */
export interface SystemOptions {
  /** Kernel profile name; default `6.12`. */
  kernel?: string;
  /** Kernel command line (its `swiotlb=` words decide the pool); default none. */
  cmdline?: string;
  /** Possible CPUs; default 4. */
  cpus?: number;
  /** RAM bytes; default 4 GiB. */
  ramBytes?: number;
  /** Memory mode; default `accounting`. */
  memory?: MemoryMode;
  /** Architecture rules for sizing; default x86. */
  arch?: 'x86' | 'arm64';
  /** A confidential VM (SEV/TDX): all DMA bounces, the pool is 6 % of RAM. */
  confidential?: boolean;
  /** Devices to attach. */
  devices?: DeviceOptions[];
  /** Slot search implementation; default `fast`. */
  searchImpl?: 'fast' | 'scan';
}

/** A booted system. */
export interface System {
  readonly profile: KernelProfile;
  readonly machine: Machine;
  /** The default allocator (the boot pool), or null when the kernel set up no swiotlb. */
  readonly mem: IoTlbMem | null;
  /** The swiotlb design in use (the fixed pool unless a policy was chosen), or null. */
  readonly policy: SwiotlbPolicy | null;
  readonly dma: DmaContext;
  /** How the boot sized (or declined) the pool, with the kernel's log lines. */
  readonly boot: BootPool;
  readonly cpus: number;
  /**
   * A device by name.
   *
   * @param name - Device name.
   * @returns The device.
   * @throws InputError (code `no_device`) when absent.
   */
  device(name: string): Device;
}

/**
 * Boot a system.
 *
 * @param o - Kernel, command line, CPUs, RAM, memory mode, devices.
 * @returns The system.
 * @throws InputError for unusable options (unknown kernel, bad devices).
 * @remarks Context: process context (boot).
 */
export function createSystem(o: SystemOptions = {}): System {
  const profile = getProfile(o.kernel ?? '6.12');
  const cpus = o.cpus ?? 4;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 8192) throw new InputError('bad_option', `Cannot boot with ${cpus} CPUs: expected 1 to 8192`);
  const ramBytes = o.ramBytes ?? 4 * 1024 ** 3;
  const confidential = o.confidential ?? false;
  const machine = createMachine({ ramBytes, memory: o.memory ?? 'accounting', confidential });
  const lowLimit = Math.min(LOW_MEMORY_END, machine.map.ramEnd);
  const boot = computeBootPool({
    ...(o.cmdline !== undefined ? { cmdline: o.cmdline } : {}),
    possibleCpus: cpus,
    ramBytes,
    arch: o.arch ?? 'x86',
    confidentialVm: confidential,
    limitNareas: profile.limitNareas,
    halvingOnMemblockFailure: profile.halvingOnMemblockFailure,
    forceBounceBeforeAlloc: profile.forceBounceBeforeAlloc,
    canAllocate: (bytes) => {
      const at = machine.pages.reserveTopDown(bytes, PAGE_SIZE, lowLimit);
      if (at < 0) return false;
      machine.pages.freeReserved(at, bytes);
      return true;
    },
  });
  let mem: IoTlbMem | null = null;
  const enc0 = machine.encryption.counters();
  if (boot.outcome === 'allocated') {
    const bytes = boot.nslabs * IO_TLB_SIZE;
    const start = machine.pages.reserveTopDown(bytes, PAGE_SIZE, lowLimit);
    mem = createIoTlbMem({
      profile,
      start,
      nslabs: boot.nslabs,
      nareas: boot.nareas,
      forceBounce: boot.forceBounce,
      memory: machine.memory,
      searchImpl: o.searchImpl ?? 'fast',
    });
    // set_memory_decrypted() on the whole pool, once at boot.
    if (confidential) machine.encryption.setShared(start, Math.ceil(bytes / PAGE_SIZE));
  } else if (boot.forceBounce) {
    // 6.6+: force_bounce was set before the allocation failed; every map now fails.
    mem = createIoTlbMem({ profile, start: 0, nslabs: 0, nareas: 1, forceBounce: true, memory: machine.memory });
  }
  const policy = mem === null ? null : new FixedPolicy(mem, machine, enc0.hypercalls, enc0.pagesSharedTotal);
  const dma = createDmaContext(policy, boot.forceBounce);
  // arm64 kernels from 6.5 bounce small unaligned kmalloc buffers of non-coherent devices.
  if ((o.arch ?? 'x86') === 'arm64' && profile.kmallocBounce) dma.kmallocBounce = ARM64_KMALLOC_BOUNCE;
  for (const d of o.devices ?? []) machine.addDevice(d);
  return {
    profile,
    machine,
    mem,
    policy,
    dma,
    boot,
    cpus,
    device(name: string): Device {
      const d = machine.device(name);
      if (d === undefined) throw new InputError('no_device', `No device named '${name}'`);
      return d;
    },
  };
}
