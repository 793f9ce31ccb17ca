/**
 * `mru-list`: the unmerged 2023 v2 series "Allow dynamic allocation of
 * software IO TLB bounce buffers" (spec §6.2). A fixed boot pool, as in the
 * `fixed` policy, plus, when `allow_dyn` (`swiotlb=...,dynamic`; never for a
 * restricted pool), a dynamic path tried first: a mapping of at least a page
 * on a device without min_align_mask and without alloc_align_mask gets its
 * own buffer from the page allocator (dyn-map.ts, dma-alloc-pages.ts);
 * anything else, and every failed dynamic allocation, uses the pool.
 *
 * is_swiotlb_buffer(): the pool's range check, then (allow_dyn) the device's
 * MRU list (skipped while have_dyn is clear); the two lookup strategies count
 * the work, locks add the pool's area locks. The guaranteed maximum mapping
 * stays the pool's 256 KiB: a bigger dynamic buffer can succeed, never promised.
 *
 * @module
 */
import { MruListMeter } from './meter.js';
import type { CostMeter } from '../../policy.js';
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { DMA_ATTR_MAY_SLEEP, PAGE_SIZE, type DmaDirection } from '../../constants.js';
import type { MappingFailure } from '../../failure.js';
import type { IoTlbMem } from '../../io-tlb-mem.js';
import { swiotlbMaxMappingSize } from '../../limits.js';
import { createLookup } from '../../lookup/create-lookup.js';
import type { BufferLookup } from '../../lookup/lookup-types.js';
import type { CallContext, LiveBuffer, MapRequest, PolicyEnv, PolicyStats, SwiotlbPolicy } from '../../policy.js';
import { ByteTime } from './byte-time.js';
import type { DynCounters } from './dyn-counters.js';
import { createDynState, notSwiotlb, swiotlbDynMap, swiotlbDynSync, swiotlbDynUnmap, type DynState } from './dyn-map.js';
import type { MruListOptions } from './options.js';
import { PoolSide } from './pool-side.js';
import { mruListStats } from './stats.js';

/** The v2 design as a policy. */
export class MruListPolicy implements SwiotlbPolicy {
  readonly name: string = 'mru-list';
  /** {@inheritDoc SwiotlbPolicy.noBackgroundWork} */
  readonly noBackgroundWork: boolean = true;
  /** `mem->allow_dyn`. */
  readonly allowDyn: boolean;
  /** The fixed half: the boot pool (`mem`), its range lookup and its live mappings. */
  readonly pool: PoolSide;
  readonly #dyn: DynState;
  readonly #machine: Machine;
  readonly #reserved: ByteTime;
  readonly #inUse = new ByteTime();
  /** Encryption hypercalls and shared pages before the boot pool was shared. */
  readonly #enc0: { hypercalls: number; pagesSharedTotal: number };

  /**
   * Reserve (and in a CoCo guest share) the boot pool and set up the dynamic path.
   *
   * @param env - Machine, profile, pool geometry, force and confidentiality.
   * @param options - Dynamic buffers on/off, restricted pool, lookup strategy.
   * @throws InputError (code `no_memory`) when the boot pool does not fit below 4 GiB.
   * @remarks Context: process context (boot).
   */
  constructor(env: PolicyEnv, options: MruListOptions = {}) {
    this.#enc0 = env.machine.encryption.counters();
    this.#machine = env.machine;
    this.pool = new PoolSide(env);
    this.#reserved = new ByteTime(this.pool.bytes);
    this.allowDyn = (options.dynamic ?? true) && !(options.restricted ?? false);
    const lookup = createLookup<number>(options.lookup ?? 'mru-list', options.tree ?? {});
    this.#dyn = createDynState(env.machine, env.confidential, lookup);
    this.meter = new MruListMeter(this.pool.mem, this.#dyn.counters, [this.pool.range, lookup], env.machine);
  }

  /** Work counters the lab prices per call. */
  readonly meter: CostMeter;

  /** Kernel profile of the pool. */
  get profile(): IoTlbMem['profile'] {
    return this.pool.mem.profile;
  }

  /** Failure of the last map that returned -1 (always the pool's: a failed dynamic allocation falls back). */
  get lastFailure(): MappingFailure | null {
    return this.pool.mem.lastFailure;
  }

  /** Counts of the dynamic path (allocations, CMA, failures by cause, copies). */
  get dynCounters(): Readonly<DynCounters> {
    return this.#dyn.counters;
  }

  /** The dynamic buffers' lookup strategy, with its counters. */
  get dynLookup(): BufferLookup<number> {
    return this.#dyn.lookup;
  }

  /** Why the last dynamic allocation failed (the map fell back to the pool), or null. */
  get lastDynFailure(): MappingFailure | null {
    return this.#dyn.lastFailure;
  }

  /**
   * {@inheritDoc SwiotlbPolicy.map}
   * @remarks Context: any; with ctx.maySleep or DMA_ATTR_MAY_SLEEP the dynamic allocation may sleep (CMA).
   * Takes the device's list lock (dynamic) or area locks (pool).
   */
  map(req: MapRequest, ctx: CallContext): number {
    if (this.allowDyn) {
      const maySleep = ctx.maySleep || (req.attrs & DMA_ATTR_MAY_SLEEP) !== 0;
      const tlb = swiotlbDynMap(this.#dyn, req.dev, req.orig, req.size, req.allocAlignMask, maySleep);
      if (tlb >= 0) {
        this.#account(ctx.now);
        return tlb;
      }
    }
    const tlb = this.pool.map(req, ctx);
    if (tlb >= 0) this.#account(ctx.now);
    return tlb;
  }

  /**
   * {@inheritDoc SwiotlbPolicy.unmap}
   * @throws ContractError (`unmap_not_swiotlb`) when tlb is neither in the pool nor one of the device's dynamic buffers.
   * @remarks Context: any; takes the owning area's lock, or the device's list lock.
   */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void {
    if (this.pool.contains(dev, tlb)) this.pool.unmap(dev, tlb, size, dir, attrs);
    else if (!this.allowDyn || !swiotlbDynUnmap(this.#dyn, dev, tlb, size, dir, attrs)) throw notSwiotlb('unmap', dev, tlb);
    this.#account(ctx.now);
  }

  /**
   * {@inheritDoc SwiotlbPolicy.syncForCpu}
   * @throws ContractError (`unmap_not_swiotlb`, `bad_direction`) for an address that is no bounce buffer, or DMA_NONE.
   * @remarks Context: any; a dynamic buffer's copy takes the device's list lock.
   */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    if (this.pool.contains(dev, tlb)) this.pool.sync(dev, tlb, size, dir, true);
    else if (!this.allowDyn || !swiotlbDynSync(this.#dyn, dev, tlb, size, dir, true)) throw notSwiotlb('sync', dev, tlb);
  }

  /**
   * {@inheritDoc SwiotlbPolicy.syncForDevice}
   * @throws ContractError (`unmap_not_swiotlb`, `bad_direction`) for an address that is no bounce buffer, or DMA_NONE.
   * @remarks Context: any; a dynamic buffer's copy takes the device's list lock.
   */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void {
    if (this.pool.contains(dev, tlb)) this.pool.sync(dev, tlb, size, dir, false);
    else if (!this.allowDyn || !swiotlbDynSync(this.#dyn, dev, tlb, size, dir, false)) throw notSwiotlb('sync', dev, tlb);
  }

  /**
   * {@inheritDoc SwiotlbPolicy.isBounceBuffer}: the range check, then the MRU list (a hit moves the buffer to the head).
   * @remarks Context: any; takes the device's list lock unless have_dyn is clear. Hot path: no allocation.
   */
  isBounceBuffer(dev: Device, addr: number): boolean {
    if (this.pool.contains(dev, addr)) return true;
    return this.allowDyn && this.#dyn.lookup.find(dev, addr) !== null;
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
    const s = this.#dyn.slots;
    const out = this.pool.live();
    for (const i of s.liveIndices()) out.push({ dev: s.dev[i]!, tlb: s.page[i]!, size: s.allocSize[i]!, reserved: s.heldPages[i]! * PAGE_SIZE });
    return out;
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  stats(now: number): PolicyStats {
    const enc = this.#machine.encryption.counters();
    const parts = { name: this.name, mem: this.pool.mem, dyn: this.#dyn, fixedLookup: this.pool.range.counters, reserved: this.#reserved, inUse: this.#inUse };
    return mruListStats({ ...parts, failuresByCode: this.pool.failuresByCode, hypercalls: enc.hypercalls - this.#enc0.hypercalls, sharedPages: enc.pagesSharedTotal - this.#enc0.pagesSharedTotal }, now);
  }

  /** Update reserved and in-use bytes after a map or unmap at `now`. */
  #account(now: number): void {
    this.#reserved.set(now, this.pool.bytes + this.#dyn.heldBytes);
    this.#inUse.set(now, this.pool.usedBytes + this.#dyn.inUseBytes);
  }
}

/**
 * Build the `mru-list` policy (a PolicyFactory; options default to dynamic buffers on, MRU-list lookups).
 *
 * @param env - Environment.
 * @param options - Policy options.
 * @returns The policy.
 * @remarks Context: process context (boot).
 */
export function createMruListPolicy(env: PolicyEnv, options: MruListOptions = {}): MruListPolicy {
  return new MruListPolicy(env, options);
}
