/**
 * State, maintenance and reporting of the `reuse-pool` policy: the devices'
 * page pools, the live mappings, the trimming job, reserves and the counts.
 * The DMA path (map, unmap, sync, lookup) is in policy.ts.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { ContractError, hex } from '../../../util/errors.js';
import { PAGE_SIZE } from '../../constants.js';
import { emptyStats, type CallContext, type DeferredCompletion, type LiveBuffer, type PolicyStats } from '../../policy.js';
import type { KernelProfile } from '../../profiles.js';
import { ByteMeter } from './byte-meter.js';
import { ReuseMeter } from './work-meter.js';
import { DeviceTable } from './device-table.js';
import type { ReusePoolConfig } from './options.js';
import type { BounceSegment, PageMapping } from './page-mapping.js';
import { PageSource } from './page-source.js';

const NONE: readonly DeferredCompletion[] = Object.freeze([]);

/** What the reuse-pool policy holds and reports; extended by the policy with the DMA path. */
export class ReusePoolState {
  readonly name: string = 'reuse-pool';
  readonly profile: KernelProfile;
  protected readonly machine: Machine;
  protected readonly cfg: ReusePoolConfig;
  protected readonly source: PageSource;
  /** Work counters the lab prices per call (and stats() reports). */
  readonly meter: ReuseMeter;
  /** Bytes held and in use over time. */
  protected readonly usage = new ByteMeter();
  protected readonly devices: DeviceTable;
  /** Live mappings by bounce address. */
  protected readonly mappings = new Map<number, PageMapping>();
  /** Counts kept as they happen (memory fields are filled by stats()). */
  protected readonly counts: PolicyStats;
  readonly #enc0: { hypercalls: number; shared: number };
  #nextRun: number;

  /**
   * @param machine - The machine.
   * @param profile - Kernel profile (reported; the design has no slot search).
   * @param cfg - Resolved options.
   */
  constructor(machine: Machine, profile: KernelProfile, cfg: ReusePoolConfig) {
    this.machine = machine;
    this.profile = profile;
    this.cfg = cfg;
    this.meter = new ReuseMeter(machine.encryption);
    this.source = new PageSource(machine, cfg.batchPages, this.meter);
    this.devices = new DeviceTable(machine, cfg, this.source);
    this.counts = emptyStats(this.name);
    const enc = machine.encryption.counters();
    this.#enc0 = { hypercalls: enc.hypercalls, shared: enc.pagesSharedTotal };
    this.#nextRun = cfg.periodNs;
  }

  /**
   * The largest mapping: the configured cap (64 MiB by default; the RFC's limit was the driver's
   * transfer size), since pages need no contiguity.
   *
   * @param _dev - The device.
   * @returns Bytes.
   * @remarks Context: any.
   */
  maxMappingSize(_dev: Device): number {
    return this.cfg.maxMappingBytes;
  }

  /**
   * Run the maintenance job when due (every periodNs from boot, re-armed forever like the
   * RFC's delayed work): trim every device.
   *
   * @param now - Simulated time.
   * @returns The next run (a caller that stops ticking on Infinity would never trim again).
   * @remarks Context: process context (delayed work).
   */
  tick(now: number): number {
    if (now >= this.#nextRun) {
      this.usage.advance(now);
      this.meter.lockAcquisitions += this.devices.size;
      this.usage.addReserved(-this.devices.trimAll(now) * PAGE_SIZE);
      this.#nextRun = (Math.floor(now / this.cfg.periodNs) + 1) * this.cfg.periodNs;
    }
    return this.#nextRun;
  }

  /** {@inheritDoc SwiotlbPolicy.takeCompleted} */
  takeCompleted(): readonly DeferredCompletion[] {
    return NONE;
  }

  /**
   * The lock a call contends on first: the device's (the RFC's per-channel list lock).
   *
   * @param dev - The device.
   * @param _addr - Unused.
   * @param _cpu - Unused.
   * @returns The device id.
   * @remarks Context: any.
   */
  lockKey(dev: Device, _addr: number, _cpu: number): number {
    return dev.id;
  }

  /** {@inheritDoc SwiotlbPolicy.live} */
  live(): LiveBuffer[] {
    return [...this.mappings.values()].map((m) => ({ dev: m.dev, tlb: m.tlb, size: m.size, reserved: m.pages.length * PAGE_SIZE }));
  }

  /**
   * The page list the device is given for a live mapping.
   *
   * @param tlb - Bounce address returned by map().
   * @returns Segments in buffer order.
   * @throws ContractError (`unmap_not_mapped`) when tlb is not a live mapping.
   * @remarks Context: any.
   */
  segments(tlb: number): BounceSegment[] {
    const m = this.mappings.get(tlb);
    if (m === undefined) throw new ContractError('unmap_not_mapped', `Cannot list the pages of ${hex(tlb)}: it is not the address of a live mapping`);
    return m.segments();
  }

  /**
   * Reserve pages for a device (hv_bounce_resources_reserve()): trimming keeps at least this many,
   * rounded up to whole batches, and they are allocated and shared now where ctx allows.
   *
   * @param dev - The device.
   * @param bytes - Bytes (storvsc: max_transfer_bytes per channel; netvsc: 4 MiB).
   * @param ctx - Context (a driver's probe: process context).
   * @returns true when the device now holds at least the reserve.
   * @remarks Context: process context in a confidential VM.
   */
  reserve(dev: Device, bytes: number, ctx: CallContext): boolean {
    this.usage.advance(ctx.now);
    const held = this.devices.heldPages;
    const dp = this.devices.get(dev, ctx.now);
    this.usage.addReserved((this.devices.heldPages - held) * PAGE_SIZE);
    dp.reservePages = this.devices.reservePages(bytes);
    if (ctx.maySleep || !this.cfg.confidential) this.usage.addReserved(dp.fill(this.source, ctx.maySleep, ctx.now) * PAGE_SIZE);
    return dp.held >= dp.reservePages;
  }

  /** {@inheritDoc SwiotlbPolicy.stats} */
  stats(now: number): PolicyStats {
    const enc = this.machine.encryption.counters();
    const m = this.usage;
    return {
      ...this.counts,
      failuresByCode: { ...this.counts.failuresByCode },
      reservedBytes: m.reserved,
      peakReservedBytes: m.peakReserved,
      inUseBytes: m.inUse,
      peakInUseBytes: m.peakInUse,
      reservedByteNs: m.byteNs(now),
      pools: this.devices.holding(),
      bytesBounced: this.meter.bytesCopied,
      lockAcquisitions: this.meter.lockAcquisitions,
      nodesVisited: this.meter.nodesVisited,
      pageAllocs: this.meter.pageAllocs,
      pageFrees: this.meter.pageFrees,
      hypercalls: enc.hypercalls - this.#enc0.hypercalls,
      sharedPages: enc.pagesSharedTotal - this.#enc0.shared,
    };
  }
}
