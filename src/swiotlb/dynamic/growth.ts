/**
 * The growth worker (`mem->dyn_alloc`, swiotlb_dyn_alloc(), spec §5.2, §7
 * item 36) as a scheduled job of simulated time: a failed search queues it
 * (a no-op while it is pending, so one growth is in flight at most); it runs
 * `latencyNs` later, from the policy's tick(), and adds a pool of
 * `default_nslabs` capped at one MAX_PAGE_ORDER block, halved on failure
 * down to IO_TLB_MIN_SLABS, below `phys_limit`, at the head of the list.
 * Grown pools are never freed.
 *
 * The optional cap (a share of RAM for all non-transient pools, boot pool
 * included, as reviewers asked for) is not in the kernel: sizes that would
 * cross it count as failed attempts, so the worker halves past them and adds
 * nothing once even IO_TLB_MIN_SLABS would not fit.
 *
 * @module
 */
import { IO_TLB_MIN_SLABS, IO_TLB_SIZE, SWIOTLB_LOG_PREFIX } from '../constants.js';
import { logWarning } from '../io-tlb-mem.js';
import { swiotlbAllocPool } from './alloc-pool.js';
import { addMemPool, type DynIoTlbMem } from './dyn-mem.js';

/** Default delay between queueing the worker and its run: 1 ms of simulated time (a workqueue wake-up on an idle system). */
export const DEFAULT_WORKER_LATENCY_NS = 1_000_000;

/**
 * The single `dyn_alloc` work item of an allocator.
 *
 * @remarks Context: queued from any context, run in process context.
 */
export class DynAllocWorker {
  /** Delay from schedule to run, in nanoseconds. */
  readonly latencyNs: number;
  /** Most bytes all non-transient pools may hold; Infinity for no cap (the kernel). */
  readonly capBytes: number;
  /** Queued and not yet run (`work_pending()`). */
  pending = false;
  /** When the queued run happens; Infinity when nothing is queued. */
  due = Infinity;

  /**
   * Create the idle work item.
   *
   * @param latencyNs - Delay from schedule to run (>= 1 ns so tick() always returns a future time).
   * @param capBytes - Growth cap in bytes, or Infinity.
   * @throws RangeError for a latency that is not a positive number, or a negative cap.
   * @remarks Context: process context (boot).
   */
  constructor(latencyNs: number = DEFAULT_WORKER_LATENCY_NS, capBytes = Infinity) {
    if (!(latencyNs > 0)) throw new RangeError(`Cannot create the growth worker: latency must be positive: current value is ${latencyNs} ns`);
    if (!(capBytes >= 0)) throw new RangeError(`Cannot create the growth worker: cap must be >= 0 bytes: current value is ${capBytes}`);
    this.latencyNs = latencyNs;
    this.capBytes = capBytes;
  }

  /**
   * schedule_work(&mem->dyn_alloc): queue a run unless one is pending.
   *
   * @param d - The allocator (counts the call).
   * @param now - Simulated time of the failed search.
   * @returns true when this call queued the work.
   * @remarks Context: any (the kernel calls it from the map path, often atomic).
   */
  schedule(d: DynIoTlbMem, now: number): boolean {
    d.counters.growthScheduled++;
    if (this.pending) return false;
    this.pending = true;
    this.due = now + this.latencyNs;
    return true;
  }

  /**
   * Run the worker if it is due by `now`; the run happens at its due time.
   *
   * @param d - The allocator.
   * @param now - Simulated time.
   * @returns The next due time, or Infinity when nothing is queued.
   * @remarks Context: process context (a kworker); GFP_KERNEL allocations; takes mem->lock to add the pool.
   */
  runDue(d: DynIoTlbMem, now: number): number {
    if (this.pending && this.due <= now) {
      const at = this.due;
      this.pending = false;
      this.due = Infinity;
      swiotlbDynAlloc(d, this.capBytes, at);
    }
    return this.due;
  }
}

/**
 * swiotlb_dyn_alloc(): allocate one pool and add it at the head of the list.
 *
 * @param d - The allocator.
 * @param capBytes - Growth cap in bytes (Infinity: none).
 * @param at - Simulated time of the run.
 * @returns true when a pool was added.
 * @remarks Context: process context (a kworker); may sleep.
 */
export function swiotlbDynAlloc(d: DynIoTlbMem, capBytes: number, at: number): boolean {
  d.counters.growthRuns++;
  const room = capBytes === Infinity ? Infinity : Math.floor(capBytes / IO_TLB_SIZE) - d.mem.nslabs;
  const p = swiotlbAllocPool(d, {
    minslabs: IO_TLB_MIN_SLABS,
    nslabs: d.defaultNslabs,
    nareas: d.defaultNareas,
    physLimit: d.physLimit,
    maySleep: true,
    transient: false,
    id: d.nextPoolId,
    clampList: d.mem.profile.listClampedToPoolEnd,
    maxSlabs: room,
    at,
  });
  if (p === null) {
    d.counters.growthFailures++;
    logWarning(d.mem, null, `${SWIOTLB_LOG_PREFIX}Failed to allocate new pool`);
    return false;
  }
  d.nextPoolId++;
  addMemPool(d, p);
  d.counters.growthPoolsAdded++;
  return true;
}
