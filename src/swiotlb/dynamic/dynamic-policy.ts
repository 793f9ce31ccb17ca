/**
 * The merged CONFIG_SWIOTLB_DYNAMIC design as a policy: a boot pool, transient
 * pools when every pool is full, and (optionally) the background growth
 * worker. The `transient` and `growing` policies are this class configured.
 *
 * @module
 */
import { allocatorCounts } from '../policy-stats.js';
import type { Device } from '../../machine/device.js';
import type { Machine } from '../../machine/machine.js';
import { IO_TLB_SIZE, type DmaDirection } from '../constants.js';
import { readDebugfs, type SwiotlbDebugfs } from '../debugfs.js';
import type { MappingFailure } from '../failure.js';
import type { IoTlbPool } from '../pool.js';
import type { IoTlbMem } from '../io-tlb-mem.js';
import { swiotlbMaxMappingSize } from '../limits.js';
import { emptyStats, type CallContext, type CostMeter, type LiveBuffer, type MapRequest, type PolicyEnv, type PolicyStats, type SwiotlbPolicy } from '../policy.js';
import type { KernelProfile } from '../profiles.js';
import { InputError } from '../../util/errors.js';
import type { DynCounters } from './dyn-counters.js';
import { createDynIoTlbMem, transientPoolCount, type DynamicPolicyOptions, type DynIoTlbMem } from './dyn-mem.js';
import { DynAllocWorker } from './growth.js';
import { DynMeter } from './dyn-meter.js';
import { holdsPool, swiotlbFindPool } from './lookup.js';
import { swiotlbDynMap } from './map.js';
import { swiotlbDynSync, swiotlbDynUnmap } from './unmap.js';

export type { DynamicPolicyOptions } from './dyn-mem.js';

/**
 * The dynamic swiotlb as a SwiotlbPolicy. Background growth runs only from
 * tick(now): the caller ticks before each event, as the lab's engine does.
 *
 * @remarks Context: map/unmap/sync from any context; tick() is the worker's process context.
 */
export class DynamicPolicy implements SwiotlbPolicy {
  readonly name: string;
  /** The dynamic allocator (pools, per-device state, counters). */
  readonly dyn: DynIoTlbMem;
  /** The growth worker, or null for a design without one. */
  readonly worker: DynAllocWorker | null;
  /** Cumulative work counters the lab prices per call. */
  readonly meter: CostMeter;
  readonly #machine: Machine;
  readonly #live = new Map<number, LiveBuffer>();
  readonly #failuresByCode: PolicyStats['failuresByCode'] = {};
  /** Encryption totals at boot, before the boot pool was shared (the atomic pools' own boot sharing excluded). */
  readonly #hypercalls0: number;
  readonly #shared0: number;

  /**
   * Boot the design: reserve the boot pool (shared in a confidential VM), set up the worker.
   *
   * @param name - Policy name.
   * @param env - Machine, kernel profile, boot pool.
   * @param o - Growth switches.
   * @throws InputError (code `unsupported_kernel`) for a profile without CONFIG_SWIOTLB_DYNAMIC (6.1); `bad_option` for a bad cap; `no_memory` when the boot pool does not fit.
   * @remarks Context: process context (boot).
   */
  constructor(name: string, env: PolicyEnv, o: DynamicPolicyOptions) {
    if (env.profile.dynamicOrder === null) {
      throw new InputError('unsupported_kernel', `Cannot use policy '${name}' with kernel ${env.profile.name}: CONFIG_SWIOTLB_DYNAMIC first appeared in 6.6`);
    }
    const cap = o.growthCap ?? Infinity;
    if (!(cap > 0)) throw new InputError('bad_option', `Cannot use policy '${name}': growthCap must be a positive share of RAM: current value is ${cap}`);
    this.name = name;
    this.#machine = env.machine;
    const enc = env.machine.encryption.counters();
    this.dyn = createDynIoTlbMem(env, { ...(o.canGrow !== undefined ? { canGrow: o.canGrow } : {}), ...(o.physLimit !== undefined ? { physLimit: o.physLimit } : {}) });
    this.#hypercalls0 = enc.hypercalls + this.dyn.atomicBoot.hypercalls;
    this.#shared0 = enc.pagesSharedTotal + this.dyn.atomicBoot.sharedPages;
    this.meter = new DynMeter(this.dyn);
    this.worker = o.grow ? new DynAllocWorker(o.workerLatencyNs, cap === Infinity ? Infinity : Math.floor(cap * env.machine.map.ramBytes)) : null;
  }

  /** The core allocator (its `pools`, counters and `observer`). */
  get mem(): IoTlbMem {
    return this.dyn.mem;
  }

  /** The kernel profile the design follows (search order, early reject, lookups per unmap). */
  get profile(): KernelProfile {
    return this.dyn.mem.profile;
  }

  /** Failure of the last map that returned -1. */
  get lastFailure(): MappingFailure | null {
    return this.dyn.mem.lastFailure;
  }

  /** {@inheritDoc SwiotlbPolicy.map} */
  map(req: MapRequest, ctx: CallContext): number {
    const tlb = swiotlbDynMap(this.dyn, this.worker, req, ctx.cpu, ctx.now);
    if (tlb < 0) {
      const code = this.dyn.mem.lastFailure!.code;
      this.#failuresByCode[code] = (this.#failuresByCode[code] ?? 0) + 1;
      return -1;
    }
    this.#live.set(tlb, { dev: req.dev, tlb, size: req.size, reserved: Math.ceil((req.size + (tlb % IO_TLB_SIZE)) / IO_TLB_SIZE) * IO_TLB_SIZE });
    return tlb;
  }

  /** {@inheritDoc SwiotlbPolicy.unmap} */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void {
    swiotlbDynUnmap(this.dyn, dev, tlb, size, dir, attrs, ctx.now);
    this.#live.delete(tlb);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForCpu} */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbDynSync(this.dyn, dev, tlb, size, dir, true);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForDevice} */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbDynSync(this.dyn, dev, tlb, size, dir, false);
  }

  /** {@inheritDoc SwiotlbPolicy.isBounceBuffer} */
  isBounceBuffer(dev: Device, addr: number): boolean {
    return swiotlbFindPool(this.dyn, dev, addr) !== null;
  }

  /** {@inheritDoc SwiotlbPolicy.holdsBounceBuffer} */
  holdsBounceBuffer(dev: Device, addr: number): boolean {
    return holdsPool(this.dyn, dev, addr);
  }

  /** {@inheritDoc SwiotlbPolicy.maxMappingSize} */
  maxMappingSize(dev: Device): number {
    return swiotlbMaxMappingSize(dev);
  }

  /** {@inheritDoc SwiotlbPolicy.tick} */
  tick(now: number): number {
    const atomic = this.dyn.atomic === null ? Infinity : this.dyn.atomic.runDue(now);
    const growth = this.worker === null ? Infinity : this.worker.runDue(this.dyn, now);
    return Math.min(atomic, growth);
  }

  /** {@inheritDoc SwiotlbPolicy.takeCompleted} */
  takeCompleted(): [] {
    return [];
  }

  /** {@inheritDoc SwiotlbPolicy.live} */
  live(): LiveBuffer[] {
    return [...this.#live.values()];
  }

  /**
   * The debugfs files of the allocator (io_tlb_nslabs grows with every added pool).
   *
   * @returns The files the profile's kernel has.
   * @remarks Context: any.
   */
  debugfs(): SwiotlbDebugfs {
    return readDebugfs(this.dyn.mem);
  }

  /**
   * The dynamic counters (transient pools, growth, lookups, page traffic).
   *
   * @returns A copy.
   * @remarks Context: any.
   */
  dynCounters(): DynCounters {
    return { ...this.dyn.counters };
  }

  /** {@inheritDoc SwiotlbPolicy.slotPools} The persistent pools oldest first (the boot pool leads), then every device's transient pools. */
  slotPools(): readonly IoTlbPool[] {
    const out = [...this.mem.pools].sort((a, b) => a.id - b.id);
    for (const d of this.dyn.devs.values()) out.push(...d.pools);
    return out;
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  stats(now: number): PolicyStats {
    const d = this.dyn;
    const c = d.mem.counters;
    const dc = d.counters;
    const enc = this.#machine.encryption.counters();
    return {
      ...emptyStats(this.name),
      ...allocatorCounts([d.mem]),
      failuresByCode: { ...this.#failuresByCode },
      reservedBytes: d.reserved.current,
      peakReservedBytes: d.reserved.peak,
      inUseBytes: d.mem.totalUsed * IO_TLB_SIZE,
      peakInUseBytes: d.mem.usedHiwater * IO_TLB_SIZE,
      reservedByteNs: d.reserved.integralTo(now),
      pools: d.mem.pools.length + transientPoolCount(d),
      pageAllocs: dc.pageAllocs,
      pageFrees: dc.pageFrees,
      hypercalls: enc.hypercalls - this.#hypercalls0,
      sharedPages: enc.pagesSharedTotal - this.#shared0,
      lookups: dc.lookups,
      nodesVisited: dc.nodesVisited,
      lockAcquisitions: c.areaLockAcquisitions + dc.devLockAcquisitions + dc.memLockAcquisitions,
    };
  }
}
