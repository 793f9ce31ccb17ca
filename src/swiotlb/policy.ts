/**
 * The contract every swiotlb design implements: the fixed pool, the 2023
 * dynamic designs and the alternatives argued over in review are each one
 * policy behind this interface, on the same machine and DMA API, so the lab
 * can run them side by side. One conformance suite checks them all
 * (policies/conformance.case.ts).
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import type { Machine } from '../machine/machine.js';
import type { DmaDirection } from './constants.js';
import type { FailureCode, MappingFailure } from './failure.js';
import type { KernelProfile } from './profiles.js';
import type { IoTlbPool } from './pool.js';

/** The map returned no address yet: the request was queued and completes later (defer). */
export const MAP_DEFERRED = -2;
/** The caller must wait before mapping (throttle): retry the same map after the next unmap. */
export const MAP_BLOCKED = -3;

/** Where and when a call runs. */
export interface CallContext {
  /** CPU making the call (chooses areas). */
  cpu: number;
  /** Process context that may sleep (DMA_ATTR_MAY_SLEEP / MAY_BLOCK); false in interrupt or atomic context. */
  maySleep: boolean;
  /** Simulated time in nanoseconds. */
  now: number;
}

/** One streaming map request (what swiotlb_map() receives). */
export interface MapRequest {
  dev: Device;
  /** Physical address of the original buffer. */
  orig: number;
  /** Bytes mapped. */
  size: number;
  /** alloc_align_mask (0 from dma-direct). */
  allocAlignMask: number;
  dir: DmaDirection;
  attrs: number;
}

/** A deferred map that got its buffer (defer policy), in completion order. */
export interface DeferredCompletion {
  ticket: number;
  request: MapRequest;
  /** Bounce address. */
  tlb: number;
  /** Simulated time it completed. */
  at: number;
}

/** A live bounce buffer, for checks and reports. */
export interface LiveBuffer {
  dev: Device;
  /** Bounce address returned by the map. */
  tlb: number;
  /** Bytes mapped. */
  size: number;
  /** Bytes the buffer occupies (slot or page granular). */
  reserved: number;
}

/** The levels the lab samples over time: the same values as the PolicyStats fields of these names. */
export interface PolicyLevels {
  inUseBytes: number;
  reservedBytes: number;
  mapFailures: number;
}

/** Exact counts and memory of a policy; every field is a fact, not an estimate. */
export interface PolicyStats {
  policy: string;
  maps: number;
  mapFailures: number;
  failuresByCode: Partial<Record<FailureCode, number>>;
  unmaps: number;
  syncs: number;
  bytesBounced: number;
  /** Bytes set aside for bouncing now (pools, dynamic buffers, cached pages). */
  reservedBytes: number;
  peakReservedBytes: number;
  /** Bytes held by live mappings (at the policy's granularity). */
  inUseBytes: number;
  peakInUseBytes: number;
  /** Integral of reservedBytes over simulated time (byte-nanoseconds). */
  reservedByteNs: number;
  /** Pools (fixed, grown, transient, per-device) that exist now. */
  pools: number;
  /** Page-allocator allocations and frees made by the policy. */
  pageAllocs: number;
  pageFrees: number;
  /** Hypercalls to share/unshare memory with the host, and pages passed. */
  hypercalls: number;
  sharedPages: number;
  /** Address lookups (is_swiotlb_buffer / find pool) and their work. */
  lookups: number;
  nodesVisited: number;
  lockAcquisitions: number;
  /** Slot-search steps the kernel's loop would run. */
  searchSteps: number;
  deferred: number;
  blocked: number;
}

/**
 * Cumulative counts of the work a policy did, as plain numbers that only
 * grow. The lab reads them before and after each call to price that call
 * with the cost model; reading is free (no allocation).
 */
export interface CostMeter {
  /** Bytes copied between original and bounce buffers. */
  bytesCopied: number;
  /** Bounce copies (calls to the copy routine). */
  copies: number;
  /** Slot-search steps the kernel's loop would run. */
  searchSteps: number;
  /** Lock acquisitions (area locks, list spinlocks, pool-list locks). */
  lockAcquisitions: number;
  /** Lookup structure nodes visited (list nodes, tree nodes, pools walked). */
  nodesVisited: number;
  /** Page-allocator allocations, and the pages they covered. */
  pageAllocs: number;
  pagesAllocated: number;
  /** Of those, allocations served by CMA. */
  cmaAllocs: number;
  /** Page-allocator frees. */
  pageFrees: number;
  /** Small descriptor allocations (kmalloc). */
  kmallocs: number;
  /** Share/unshare hypercalls, and the pages they covered. */
  hypercalls: number;
  hypercallPages: number;
}

/**
 * A zeroed cost meter.
 *
 * @returns A new meter.
 * @remarks Context: any.
 */
export function newCostMeter(): CostMeter {
  return {
    bytesCopied: 0,
    copies: 0,
    searchSteps: 0,
    lockAcquisitions: 0,
    nodesVisited: 0,
    pageAllocs: 0,
    pagesAllocated: 0,
    cmaAllocs: 0,
    pageFrees: 0,
    kmallocs: 0,
    hypercalls: 0,
    hypercallPages: 0,
  };
}

/** One swiotlb design. */
export interface SwiotlbPolicy {
  readonly name: string;
  /**
   * Cumulative work counters the lab prices per call. Policies that do not
   * provide one are priced from stats() totals only (no per-call latency).
   */
  readonly meter?: CostMeter;
  readonly profile: KernelProfile;
  /** Failure of the last map that returned -1. */
  readonly lastFailure: MappingFailure | null;
  /**
   * Map a buffer through the design.
   *
   * The caller may reuse `req` and `ctx` after the call returns: a policy that
   * keeps a request (to complete it later) must copy it.
   *
   * @returns The bounce address; -1 with lastFailure set; MAP_DEFERRED; or MAP_BLOCKED.
   */
  map(req: MapRequest, ctx: CallContext): number;
  /** Unmap a bounce buffer (copying back for FROM_DEVICE/BIDIRECTIONAL unless SKIP_CPU_SYNC). */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number, ctx: CallContext): void;
  /** Copy back to the CPU (sync_single_for_cpu) for an address inside a live buffer. */
  syncForCpu(dev: Device, tlb: number, size: number, dir: DmaDirection): void;
  /** Copy to the device (sync_single_for_device). */
  syncForDevice(dev: Device, tlb: number, size: number, dir: DmaDirection): void;
  /** is_swiotlb_buffer(): whether an address is one of this design's bounce buffers for the device (counts lookup work). */
  isBounceBuffer(dev: Device, addr: number): boolean;
  /**
   * The same answer without counting a lookup or changing state. On 6.11+
   * dma-direct calls the unmap and sync wrappers unconditionally and their own
   * pool lookup is the one counted; it asks this only to spare the model a call
   * the kernel would end at once. Designs without it (written against the
   * <= 6.10 DMA layer) keep a counted is_swiotlb_buffer() before every unmap and sync.
   */
  holdsBounceBuffer?(dev: Device, addr: number): boolean;
  /** The largest mapping the design can bounce for the device. */
  maxMappingSize(dev: Device): number;
  /**
   * The lock a map (addr -1) or an unmap/sync of addr on this CPU contends on
   * first (an area lock, a device list lock), for the lab's contention model;
   * -1 or absent for none.
   */
  lockKey?(dev: Device, addr: number, cpu: number): number;
  /**
   * True when the meter moves only inside map, unmap and sync calls: tick()
   * never does work and no query (stats, levels, live, slotPools) counts
   * anything. The lab then starts each call from the meter reading the last
   * call ended with, instead of reading the meter again (a tenth of a
   * request's cost in a long run). Absent means false.
   */
  readonly meterMovesOnlyInCalls?: boolean;
  /**
   * True when the design has no background work: tick() always returns
   * Infinity and takeCompleted() is always empty. The lab then calls
   * neither after each event (a few per cent of a long run). Absent means
   * false.
   */
  readonly noBackgroundWork?: boolean;
  /** Run background work due by `now` (pool growth, decay); returns the next due time, or Infinity. */
  tick(now: number): number;
  /** Deferred maps that completed since the last call, in completion order. */
  takeCompleted(): readonly DeferredCompletion[];
  /** Live bounce buffers. */
  live(): LiveBuffer[];
  /** Counts and memory, with reservedByteNs integrated up to `now`. */
  stats(now: number): PolicyStats;
  /**
   * The sampled levels now, written into `out` without building stats(): the
   * lab samples them every sampleMs (a thousand times per simulated second by
   * default). Equal to the same fields of stats(); designs without it are
   * sampled through stats().
   */
  levels?(out: PolicyLevels): void;
  /** The slot pools (default pool first), for slot-map reports; absent for designs without slot pools. */
  slotPools?(): readonly IoTlbPool[];
}

/** What a policy is built from. */
export interface PolicyEnv {
  machine: Machine;
  profile: KernelProfile;
  cpus: number;
  /** Bytes of the boot pool (fixed part), 0 for none. */
  poolBytes: number;
  /** Areas of the boot pool. */
  nareas: number;
  /** Bounce every mapping (CoCo guests, swiotlb=force). */
  forceBounce: boolean;
  /** A confidential VM: bounce memory must be shared with the host (counted hypercalls). */
  confidential: boolean;
  /** `coherent_pool=`: bytes of each coherent atomic DMA pool; absent or 0 for the kernel's default. */
  atomicPoolBytes?: number;
}

/** Builds a policy for an environment. */
export type PolicyFactory = (env: PolicyEnv) => SwiotlbPolicy;

/**
 * A zeroed stats record.
 *
 * @param policy - Policy name.
 * @returns Stats with every count 0.
 * @remarks Context: any.
 */
export function emptyStats(policy: string): PolicyStats {
  return {
    policy,
    maps: 0,
    mapFailures: 0,
    failuresByCode: {},
    unmaps: 0,
    syncs: 0,
    bytesBounced: 0,
    reservedBytes: 0,
    peakReservedBytes: 0,
    inUseBytes: 0,
    peakInUseBytes: 0,
    reservedByteNs: 0,
    pools: 0,
    pageAllocs: 0,
    pageFrees: 0,
    hypercalls: 0,
    sharedPages: 0,
    lookups: 0,
    nodesVisited: 0,
    lockAcquisitions: 0,
    searchSteps: 0,
    deferred: 0,
    blocked: 0,
  };
}
