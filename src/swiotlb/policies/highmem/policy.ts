/**
 * `highmem`: the extra 64-bit pool RFC. Besides the default low pool (below
 * 4 GiB), a second, large pool anywhere in memory; a device whose DMA reach
 * covers the second pool's end maps through it (`dev->dma_io_tlb_mem =
 * &io_tlb_high_mem`), every other device through the low pool. Each pool is
 * a separate allocator with its own areas, counters, "buffer is full"
 * messages and debugfs directory (`swiotlb` and `swiotlb-hi`). No fallback
 * between them and no growth.
 *
 * @module
 */
import { allocatorCounts } from '../../policy-stats.js';
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { IO_TLB_SIZE, type DmaDirection } from '../../constants.js';
import { readDebugfs } from '../../debugfs.js';
import type { MappingFailure } from '../../failure.js';
import { findPool, memUsed, poolContaining, type IoTlbMem } from '../../io-tlb-mem.js';
import { swiotlbMaxMappingSize } from '../../limits.js';
import { swiotlbSyncSingleForCpu, swiotlbSyncSingleForDevice, swiotlbTblMapSingle, swiotlbTblUnmapSingle } from '../../map-single.js';
import { emptyStats, type CallContext, type CostMeter, type LiveBuffer, type MapRequest, type PolicyEnv, type PolicyStats, type SwiotlbPolicy } from '../../policy.js';
import type { KernelProfile } from '../../profiles.js';
import { reserveBootPool } from '../fixed/policy.js';
import { reserveHighPool, usesHighPool, type HighmemDebugfs, type HighmemPolicyOptions } from './high-pool.js';
import { FixedPoolsMeter } from '../../dynamic/dyn-meter.js';

export type { HighmemDebugfs, HighmemPolicyOptions } from './high-pool.js';

/**
 * The two-pool design.
 *
 * @remarks Context: map/unmap/sync from any context; each allocator takes its own area locks.
 */
export class HighmemPolicy implements SwiotlbPolicy {
  readonly name = 'highmem';
  /** {@inheritDoc SwiotlbPolicy.noBackgroundWork} */
  readonly noBackgroundWork: boolean = true;
  /** `io_tlb_default_mem`: the low pool. */
  readonly low: IoTlbMem;
  /** `io_tlb_high_mem`: the 64-bit pool, or null when none was configured. */
  readonly high: IoTlbMem | null;
  /** Cumulative work counters of both allocators, priced per call by the lab. */
  readonly meter: CostMeter;
  readonly #machine: Machine;
  readonly #live = new Map<number, LiveBuffer>();
  readonly #failuresByCode: PolicyStats['failuresByCode'] = {};
  readonly #hypercalls0: number;
  readonly #shared0: number;
  #lastFailure: MappingFailure | null = null;
  #peakUsed = 0;

  /**
   * Reserve both pools (low first, then high, as the RFC's swiotlb_init_remap()).
   *
   * @param env - Machine, profile, low pool size and areas.
   * @param o - High pool size.
   * @throws InputError (codes `no_memory`, `bad_option`) when a pool cannot be placed or sized.
   * @remarks Context: process context (boot).
   */
  constructor(env: PolicyEnv, o: HighmemPolicyOptions = {}) {
    this.#machine = env.machine;
    ({ hypercalls: this.#hypercalls0, pagesSharedTotal: this.#shared0 } = env.machine.encryption.counters());
    this.low = reserveBootPool(env);
    this.high = reserveHighPool(env, o.highBytes ?? env.poolBytes);
    this.meter = new FixedPoolsMeter(this.high === null ? [this.low] : [this.low, this.high], env.machine);
  }

  /** The kernel profile both allocators follow. */
  get profile(): KernelProfile {
    return this.low.profile;
  }

  /** Failure of the last map that returned -1. */
  get lastFailure(): MappingFailure | null {
    return this.#lastFailure;
  }

  /**
   * The allocator a device maps through (`dev->dma_io_tlb_mem`).
   *
   * @param dev - The device.
   * @returns The high allocator when the device reaches its end, else the low one.
   * @remarks Context: any.
   */
  memFor(dev: Device): IoTlbMem {
    return usesHighPool(this.high, dev) ? this.high! : this.low;
  }

  /** {@inheritDoc SwiotlbPolicy.map} */
  map(req: MapRequest, ctx: CallContext): number {
    const mem = this.memFor(req.dev);
    const tlb = swiotlbTblMapSingle(mem, req.dev, ctx.cpu, req.orig, req.size, req.size, req.allocAlignMask, req.dir, req.attrs);
    if (tlb < 0) {
      const f = mem.lastFailure!;
      this.#lastFailure = f;
      this.#failuresByCode[f.code] = (this.#failuresByCode[f.code] ?? 0) + 1;
      return -1;
    }
    const used = memUsed(this.low) + (this.high === null ? 0 : memUsed(this.high));
    if (used > this.#peakUsed) this.#peakUsed = used;
    this.#live.set(tlb, { dev: req.dev, tlb, size: req.size, reserved: Math.ceil((req.size + (tlb % IO_TLB_SIZE)) / IO_TLB_SIZE) * IO_TLB_SIZE });
    return tlb;
  }

  /** {@inheritDoc SwiotlbPolicy.unmap} */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, _ctx: CallContext): void {
    swiotlbTblUnmapSingle(this.memFor(dev), dev, tlb, size, dir, attrs);
    this.#live.delete(tlb);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForCpu} */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbSyncSingleForCpu(this.memFor(dev), dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForDevice} */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbSyncSingleForDevice(this.memFor(dev), dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.isBounceBuffer} */
  isBounceBuffer(dev: Device, addr: number): boolean {
    return findPool(this.memFor(dev), addr) !== null;
  }

  /** {@inheritDoc SwiotlbPolicy.holdsBounceBuffer} */
  holdsBounceBuffer(dev: Device, addr: number): boolean {
    return poolContaining(this.memFor(dev), addr) !== null;
  }

  /** {@inheritDoc SwiotlbPolicy.maxMappingSize} */
  maxMappingSize(dev: Device): number {
    return swiotlbMaxMappingSize(dev);
  }

  /** {@inheritDoc SwiotlbPolicy.tick} */
  tick(_now: number): number {
    return Infinity;
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
   * Both debugfs directories (/sys/kernel/debug/swiotlb and its swiotlb-hi sub-directory).
   *
   * @returns io_tlb_nslabs, io_tlb_used (and the hiwater where the profile has it) per pool.
   * @remarks Context: any.
   */
  debugfs(): HighmemDebugfs {
    return this.high === null ? { swiotlb: readDebugfs(this.low) } : { swiotlb: readDebugfs(this.low), 'swiotlb-hi': readDebugfs(this.high) };
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  stats(now: number): PolicyStats {
    const mems = this.high === null ? [this.low] : [this.low, this.high];
    const sum = (f: (m: IoTlbMem) => number): number => mems.reduce((a, m) => a + f(m), 0);
    const reserved = sum((m) => m.nslabs) * IO_TLB_SIZE;
    const enc = this.#machine.encryption.counters();
    return {
      ...emptyStats(this.name),
      ...allocatorCounts(mems),
      failuresByCode: { ...this.#failuresByCode },
      reservedBytes: reserved,
      peakReservedBytes: reserved,
      inUseBytes: sum(memUsed) * IO_TLB_SIZE,
      peakInUseBytes: this.#peakUsed * IO_TLB_SIZE,
      reservedByteNs: reserved * now,
      pools: sum((m) => m.pools.length),
      hypercalls: enc.hypercalls - this.#hypercalls0,
      sharedPages: enc.pagesSharedTotal - this.#shared0,
    };
  }
}

/**
 * Build the highmem policy.
 *
 * @param env - Environment (any kernel profile).
 * @param options - Size of the 64-bit pool.
 * @returns The policy.
 * @remarks Context: process context (boot).
 */
export function createHighmemPolicy(env: PolicyEnv, options: HighmemPolicyOptions = {}): HighmemPolicy {
  return new HighmemPolicy(env, options);
}
