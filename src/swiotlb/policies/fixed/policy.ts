/**
 * `fixed`: the classic boot-time pool, per kernel profile: one contiguous
 * region reserved at boot, never grown, never freed (what Linux does without
 * CONFIG_SWIOTLB_DYNAMIC).
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { lowBits } from '../../../machine/mask.js';
import type { Machine } from '../../../machine/machine.js';
import { PAGE_SIZE, IO_TLB_SIZE, type DmaDirection } from '../../constants.js';
import { createIoTlbMem, findPool, memUsed, poolContaining, type IoTlbMem } from '../../io-tlb-mem.js';
import type { IoTlbPool } from '../../pool.js';
import {
  swiotlbTblMapSingle,
  swiotlbTblUnmapSingle,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
  lastRelease,
} from '../../map-single.js';
import { swiotlbMaxMappingSize } from '../../limits.js';
import { emptyStats, type CostMeter, type DeferredCompletion, type CallContext, type LiveBuffer, type MapRequest, type PolicyEnv, type PolicyLevels, type PolicyStats, type SwiotlbPolicy } from '../../policy.js';
import type { MappingFailure } from '../../failure.js';
import { allocatorCounts, HostSharing } from '../../policy-stats.js';
import { InputError } from '../../../util/errors.js';

/** The fixed pool's work, read straight from its allocator's counters (no copying). */
class FixedMeter implements CostMeter {
  readonly #c: IoTlbMem['counters'];
  readonly #enc: Machine['encryption'];
  /**
   * @param mem - The allocator.
   * @param machine - Its machine (encryption counters).
   */
  constructor(mem: IoTlbMem, machine: Machine) {
    this.#c = mem.counters;
    this.#enc = machine.encryption;
  }
  get bytesCopied(): number {
    return this.#c.bytesBouncedToDevice + this.#c.bytesBouncedFromDevice;
  }
  get copies(): number {
    return this.#c.bounceCopies;
  }
  get searchSteps(): number {
    return this.#c.searchSteps;
  }
  get lockAcquisitions(): number {
    return this.#c.areaLockAcquisitions;
  }
  get nodesVisited(): number {
    return this.#c.lookups;
  }
  readonly pageAllocs = 0;
  readonly pagesAllocated = 0;
  readonly cmaAllocs = 0;
  readonly pageFrees = 0;
  readonly kmallocs = 0;
  get hypercalls(): number {
    return this.#enc.setSharedCalls + this.#enc.setPrivateCalls;
  }
  get hypercallPages(): number {
    return this.#enc.pagesSharedTotal + this.#enc.pagesPrivateTotal;
  }
}

/** The fixed pool as a policy. */
export class FixedPolicy implements SwiotlbPolicy {
  readonly name: string = 'fixed';
  readonly mem: IoTlbMem;
  readonly meter: CostMeter;
  /** {@inheritDoc SwiotlbPolicy.meterMovesOnlyInCalls} */
  readonly meterMovesOnlyInCalls: boolean = true;
  /** {@inheritDoc SwiotlbPolicy.noBackgroundWork} */
  readonly noBackgroundWork: boolean = true;
  /** Per head slot of a live mapping: its bounce address, size and device id (0 = none). */
  readonly #liveTlb: Float64Array;
  readonly #liveSize: Float64Array;
  readonly #liveDev: Int32Array;
  readonly #devices = new Map<number, Device>();
  #liveCount = 0;
  /** The device of the last map (it is in #devices). */
  #lastDev: Device | null = null;
  readonly #failuresByCode: PolicyStats['failuresByCode'] = {};
  readonly #sharing: HostSharing;
  #peakUsed = 0;

  /**
   * Wrap an allocator whose pool is already placed (and shared, in a CoCo guest).
   *
   * @param mem - The allocator.
   * @param machine - The machine it lives on.
   * @param hypercallsAtStart - Encryption hypercall count before the pool was shared (so the boot share is counted).
   * @param sharedAtStart - Shared-page total before the pool was shared.
   */
  constructor(mem: IoTlbMem, machine: Machine, hypercallsAtStart = machine.encryption.counters().hypercalls, sharedAtStart = machine.encryption.counters().pagesSharedTotal) {
    this.mem = mem;
    const cap = mem.pools[0]?.head.length ?? 0;
    this.#liveTlb = new Float64Array(cap);
    this.#liveSize = new Float64Array(cap);
    this.#liveDev = new Int32Array(cap);
    this.meter = new FixedMeter(mem, machine);

    this.#sharing = new HostSharing(machine, { hypercalls: hypercallsAtStart, pagesSharedTotal: sharedAtStart });
  }

  get profile(): IoTlbMem['profile'] {
    return this.mem.profile;
  }

  get lastFailure(): MappingFailure | null {
    return this.mem.lastFailure;
  }

  /** {@inheritDoc SwiotlbPolicy.map} */
  map(req: MapRequest, ctx: CallContext): number {
    const tlb = swiotlbTblMapSingle(this.mem, req.dev, ctx.cpu, req.orig, req.size, req.size, req.allocAlignMask, req.dir, req.attrs);
    if (tlb < 0) {
      const code = this.mem.lastFailure!.code;
      this.#failuresByCode[code] = (this.#failuresByCode[code] ?? 0) + 1;
      return -1;
    }
    const used = this.mem.totalUsed;
    if (used > this.#peakUsed) this.#peakUsed = used;
    const h = this.#headOf(req.dev, tlb);
    this.#liveTlb[h] = tlb;
    this.#liveSize[h] = req.size;
    this.#liveDev[h] = req.dev.id;
    if (req.dev !== this.#lastDev) {
      if (!this.#devices.has(req.dev.id)) this.#devices.set(req.dev.id, req.dev);
      this.#lastDev = req.dev;
    }
    this.#liveCount++;
    return tlb;
  }

  /** First slot (padding included) of the live mapping at tlb, as the release computes it. */
  #headOf(dev: Device, tlb: number): number {
    const pool = this.mem.pools[0]!;
    const off = lowBits(tlb, IO_TLB_SIZE) & dev.minAlignMask;
    let index = Math.floor((tlb - off - pool.start) / IO_TLB_SIZE) | 0;
    if (this.mem.profile.padSlots) index -= pool.padSlots[index]!;
    return index;
  }

  /** {@inheritDoc SwiotlbPolicy.unmap} */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, _ctx: CallContext): void {
    swiotlbTblUnmapSingle(this.mem, dev, tlb, size, dir, attrs);
    // The release found the mapping's head slot (it throws for anything else).
    const h = lastRelease.index;
    if (this.#liveDev[h] !== 0) {
      this.#liveDev[h] = 0;
      this.#liveCount--;
    }
  }

  /** {@inheritDoc SwiotlbPolicy.syncForCpu} */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbSyncSingleForCpu(this.mem, dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.syncForDevice} */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    swiotlbSyncSingleForDevice(this.mem, dev, tlb, size, dir);
  }

  /** {@inheritDoc SwiotlbPolicy.isBounceBuffer} */
  isBounceBuffer(_dev: Device, addr: number): boolean {
    return findPool(this.mem, addr) !== null;
  }

  /** {@inheritDoc SwiotlbPolicy.holdsBounceBuffer} */
  holdsBounceBuffer(_dev: Device, addr: number): boolean {
    return poolContaining(this.mem, addr) !== null;
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
  takeCompleted(): readonly DeferredCompletion[] {
    return NONE;
  }

  /** {@inheritDoc SwiotlbPolicy.live} */
  live(): LiveBuffer[] {
    const out: LiveBuffer[] = [];
    const pool = this.mem.pools[0];
    if (pool === undefined || this.#liveCount === 0) return out;
    for (let h = 0; h < pool.nslabs; h++) {
      const id = this.#liveDev[h]!;
      if (id === 0) continue;
      const n = Math.ceil((pool.allocSize[h]! + (this.#liveTlb[h]! % IO_TLB_SIZE)) / IO_TLB_SIZE);
      out.push({ dev: this.#devices.get(id)!, tlb: this.#liveTlb[h]!, size: this.#liveSize[h]!, reserved: n * IO_TLB_SIZE });
    }
    return out;
  }

  /** {@inheritDoc SwiotlbPolicy.slotPools} */
  slotPools(): readonly IoTlbPool[] {
    return this.mem.pools;
  }

  /** {@inheritDoc SwiotlbPolicy.levels} */
  levels(out: PolicyLevels): void {
    out.inUseBytes = memUsed(this.mem) * IO_TLB_SIZE;
    out.reservedBytes = this.mem.nslabs * IO_TLB_SIZE;
    out.mapFailures = this.mem.counters.mapFailures;
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  stats(now: number): PolicyStats {
    // The sampled levels are the same fields: take them from levels() so the two cannot disagree.
    const levels: PolicyLevels = { inUseBytes: 0, reservedBytes: 0, mapFailures: 0 };
    this.levels(levels);
    return {
      ...emptyStats(this.name),
      ...allocatorCounts([this.mem]),
      ...this.#sharing.counts(),
      ...levels,
      failuresByCode: { ...this.#failuresByCode },
      peakReservedBytes: levels.reservedBytes,
      peakInUseBytes: this.#peakUsed * IO_TLB_SIZE,
      reservedByteNs: levels.reservedBytes * now,
      pools: this.mem.pools.length,
    };
  }
}

const NONE: readonly DeferredCompletion[] = Object.freeze([]);

/** x86's ARCH_LOW_ADDRESS_LIMIT + 1: the boot pool lives below 4 GiB. */
const LOW_END = 0x1_0000_0000;

/**
 * Reserve a boot pool on the machine (top-down in low memory, like
 * memblock_alloc_low) and share it with the host in a confidential VM.
 *
 * @param env - Machine, profile, pool size and areas.
 * @returns The allocator.
 * @throws InputError (code `no_memory`) when the pool does not fit below 4 GiB.
 * @remarks Context: process context (boot).
 */
export function reserveBootPool(env: PolicyEnv): IoTlbMem {
  const m = env.machine;
  if (!Number.isSafeInteger(env.poolBytes) || env.poolBytes < 0 || env.poolBytes > m.map.ramBytes) {
    // E.g. swiotlb=2^63-1: the kernel's byte count wraps to 0 and memblock "succeeds"; no real pool follows.
    throw new InputError('no_memory', `Cannot reserve a ${env.poolBytes}-byte swiotlb pool: it is larger than the machine's ${m.map.ramBytes} bytes of RAM (the kernel's size arithmetic wraps for a slot count this large)`);
  }
  const start = env.poolBytes === 0 ? 0 : m.pages.reserveTopDown(env.poolBytes, PAGE_SIZE, Math.min(LOW_END, m.map.ramEnd));
  if (start < 0) throw new InputError('no_memory', `Cannot reserve a ${env.poolBytes}-byte swiotlb pool below 4 GiB on this machine`);
  if (env.confidential && env.poolBytes > 0) m.encryption.setShared(start, Math.ceil(env.poolBytes / PAGE_SIZE));
  return createIoTlbMem({
    profile: env.profile,
    start,
    nslabs: env.poolBytes / IO_TLB_SIZE,
    nareas: env.nareas,
    forceBounce: env.forceBounce,
    memory: m.memory,
  });
}

/**
 * Build the fixed policy: a boot pool of env.poolBytes with env.nareas areas.
 *
 * @param env - Environment.
 * @returns The policy.
 * @remarks Context: process context (boot).
 */
export function createFixedPolicy(env: PolicyEnv): FixedPolicy {
  const enc = env.machine.encryption.counters();
  return new FixedPolicy(reserveBootPool(env), env.machine, enc.hypercalls, enc.pagesSharedTotal);
}
