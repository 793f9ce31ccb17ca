/**
 * The allocator of a CONFIG_SWIOTLB_DYNAMIC kernel (spec §2.4, §2.5, §5.1):
 * the core `io_tlb_mem` whose `pools` list holds the boot pool and the grown
 * pools (newest first), plus what the core does not carry: `can_grow`,
 * `phys_limit`, the boot size the worker copies, the per-device state
 * (`dma_uses_io_tlb` and the device's transient pools) and the memory behind
 * every dynamic pool.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { IoTlbMem } from '../io-tlb-mem.js';
import type { IoTlbPool } from '../pool.js';
import type { PolicyEnv } from '../policy.js';
import { IO_TLB_SIZE } from '../constants.js';
import { reserveBootPool } from '../policies/fixed/policy.js';
import type { DynPool } from './alloc-pool.js';
import { newDynCounters, ReservedBytes } from './dyn-counters.js';
import { ARCH_LOW_ADDRESS_LIMIT, type PoolMemoryEnv } from './pool-memory.js';
import { DmaAtomicPools } from './atomic-pool.js';

/** Per-device swiotlb state of a dynamic kernel (`struct device` fields). */
export interface DevIoTlb {
  /** `dma_uses_io_tlb`: set by the first successful swiotlb allocation, never cleared. */
  usesIoTlb: boolean;
  /** `dma_io_tlb_pools`: this device's transient pools, newest first. */
  readonly pools: IoTlbPool[];
}

/** The dynamic allocator. */
export interface DynIoTlbMem extends PoolMemoryEnv {
  /** The core allocator; `mem.pools` holds the non-transient pools in search order (newest first). */
  readonly mem: IoTlbMem;
  /** `default_nslabs`: the boot pool size the growth worker asks for. */
  readonly defaultNslabs: number;
  /** `default_nareas`: areas of the boot pool, the bound of the 6.8+ area loop. */
  readonly defaultNareas: number;
  /** `mem->phys_limit`: highest address a grown pool may occupy. */
  readonly physLimit: number;
  /** `mem->can_grow`: transient pools (and growth) allowed. */
  canGrow: boolean;
  /** Per-device state by device id. */
  readonly devs: Map<number, DevIoTlb>;
  /** Memory behind each grown or transient pool. */
  readonly dynPools: Map<IoTlbPool, DynPool>;
  /** Next pool id (0 is the boot pool). */
  nextPoolId: number;
  /** What filling the atomic pools at boot cost (not a cost of the swiotlb design: every confidential kernel pays it). */
  readonly atomicBoot: { hypercalls: number; sharedPages: number };
}

/** Options of {@link createDynIoTlbMem}. */
export interface DynIoTlbMemOptions {
  /** `can_grow`; default true (no remap hook, as on bare x86 and CoCo guests). */
  canGrow?: boolean;
  /** `phys_limit`; default ARCH_LOW_ADDRESS_LIMIT (x86 without SWIOTLB_ANY). */
  physLimit?: number;
}

/** How the dynamic design is configured. */
export interface DynamicPolicyOptions {
  /** Background growth (the `dyn_alloc` worker); false: transient pools only. */
  grow: boolean;
  /** `can_grow`; default true. false: the fixed pool alone (as with a Xen remap hook). */
  canGrow?: boolean;
  /** `phys_limit` for grown pools; default ARCH_LOW_ADDRESS_LIMIT (4 GiB - 1). */
  physLimit?: number;
  /** Delay from a failed search to the worker's run, ns; default 1 ms. */
  workerLatencyNs?: number;
  /** Most RAM all non-transient pools may hold, as a share of RAM (e.g. 0.06); default none (the kernel). */
  growthCap?: number;
}

/**
 * Boot a dynamic allocator: reserve the boot pool as the fixed design does
 * (shared with the host in a confidential VM) and set the dynamic fields.
 *
 * @param env - Machine, profile, boot pool size and areas.
 * @param o - can_grow and phys_limit.
 * @returns The allocator.
 * @throws InputError (code `no_memory`) when the boot pool does not fit below 4 GiB.
 * @remarks Context: process context (boot).
 */
export function createDynIoTlbMem(env: PolicyEnv, o: DynIoTlbMemOptions = {}): DynIoTlbMem {
  const mem = reserveBootPool(env);
  // The atomic pools are filled after the swiotlb (a postcore initcall), shared with one hypercall each.
  const enc0 = env.machine.encryption.counters();
  // coherent_pool= absent or 0: the pools' own default from RAM.
  const atomic = env.confidential ? new DmaAtomicPools(env.machine, env.atomicPoolBytes || undefined) : null;
  const enc1 = env.machine.encryption.counters();
  return {
    mem,
    atomic,
    atomicBoot: { hypercalls: enc1.hypercalls - enc0.hypercalls, sharedPages: enc1.pagesSharedTotal - enc0.pagesSharedTotal },
    machine: env.machine,
    confidential: env.confidential,
    counters: newDynCounters(),
    reserved: new ReservedBytes(mem.nslabs * IO_TLB_SIZE),
    defaultNslabs: mem.nslabs,
    defaultNareas: env.nareas,
    physLimit: o.physLimit ?? ARCH_LOW_ADDRESS_LIMIT,
    canGrow: (o.canGrow ?? true) && mem.nslabs > 0,
    devs: new Map(),
    dynPools: new Map(),
    nextPoolId: 1,
  };
}

/**
 * The device's dynamic swiotlb state, created on first use.
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @returns Its state (usesIoTlb false and no transient pools at first).
 * @remarks Context: any.
 */
export function devIoTlb(d: DynIoTlbMem, dev: Device): DevIoTlb {
  let s = d.devs.get(dev.id);
  if (s === undefined) {
    s = { usesIoTlb: false, pools: [] };
    d.devs.set(dev.id, s);
  }
  return s;
}

/**
 * Add a grown pool to the allocator (add_mem_pool()): at the head of the
 * pools list, its slots added to `mem->nslabs`.
 *
 * @param d - The allocator.
 * @param p - The new pool.
 * @remarks Context: process context (the worker); takes mem->lock.
 */
export function addMemPool(d: DynIoTlbMem, p: DynPool): void {
  d.counters.memLockAcquisitions++;
  d.dynPools.set(p.pool, p);
  d.mem.pools.unshift(p.pool);
  d.mem.nslabs += p.pool.nslabs;
}

/**
 * Transient pools alive across all devices.
 *
 * @param d - The allocator.
 * @returns Their number.
 * @remarks Context: any.
 */
export function transientPoolCount(d: DynIoTlbMem): number {
  let n = 0;
  for (const s of d.devs.values()) n += s.pools.length;
  return n;
}
