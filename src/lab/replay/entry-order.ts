/**
 * Maps of a trace without in-lock probes: each is applied when it returns,
 * but the kernel took the area lock somewhere between the call's entry and
 * its return. When two CPUs map at the same moment the lock order is not in
 * the trace, and applying them in return order can give a map the slots the
 * kernel gave the other.
 *
 * So when a map's result differs from the kernel's, the replay tries the
 * orders the trace allows: another CPU's map that had entered and not yet
 * returned going first; the last unmaps that entered meanwhile releasing
 * their slots only after the map took the lock (the replay applies a
 * release when its unmap enters; an interrupt on the map's own CPU can run a
 * burst of them between the map's lock and its return); or the map taking
 * its lock before other CPUs' maps that returned during its window. If one such order
 * gives the kernel's result, the decision counts as matched (and
 * reordered). Either way the replay then takes the kernel's result (its
 * slots, or the failure), so that later decisions are checked from the
 * kernel's state instead of all differing after the first; the other map is
 * decided at its own return.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { IoTlbMem } from '../../swiotlb/io-tlb-mem.js';
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { areaOf } from '../../swiotlb/pool.js';
import { commitSlots, releaseSlots } from '../../swiotlb/slots.js';
import { freeRunAt } from '../../swiotlb/slot-bits.js';
import { FoundSlots, findSlotsInPool } from '../../swiotlb/find-slots.js';
import type { SearchRequest } from '../../swiotlb/search-request.js';

/** A map waiting for its return, as the order search sees it. */
export interface OrderedMap {
  readonly dev: Device;
  readonly cpu: number;
  readonly req: SearchRequest;
  readonly found: FoundSlots;
  /** Ready to search (prepareMap accepted it). */
  readonly ready: boolean;
  /** It holds its slots (after its own search or the kernel's slots). */
  done: boolean;
  /** The area its slots came from and that area's index before (to take them back). */
  undoArea: number;
  undoIndex: number;
}

/**
 * The bounce address of a map's committed slots (the profiles replayed with
 * entry probes put no padding slot before it).
 *
 * @param mem - The allocator.
 * @param m - A map holding slots.
 * @returns Its bounce address.
 * @remarks Context: any.
 */
export function tlbOf(mem: IoTlbMem, m: OrderedMap): number {
  return mem.pools[0]!.start + m.found.index * IO_TLB_SIZE + m.req.inSlot;
}

/** Area indexes before a search (a search moves only the index of the area it commits in). */
let indexesBefore = new Int32Array(0);

/** Search and commit one map; false when it failed (nothing changed but the counters). */
function take(mem: IoTlbMem, m: OrderedMap): boolean {
  const pool = mem.pools[0]!;
  if (indexesBefore.length < pool.nareas) indexesBefore = new Int32Array(pool.nareas);
  indexesBefore.set(pool.areaIndex);
  m.found.livelockArea = -1;
  if (!findSlotsInPool(mem, pool, m.dev, m.cpu, m.req, m.found)) return false;
  m.done = true;
  m.undoArea = areaOf(pool, m.found.index);
  m.undoIndex = indexesBefore[m.undoArea]!;
  return true;
}

/** Occupy the kernel's slots for a map (a trial, taken back with giveBack); false when they are not free. */
function placeAt(mem: IoTlbMem, m: OrderedMap, kernel: number): boolean {
  const pool = mem.pools[0]!;
  const index = Math.floor((kernel - m.req.inSlot - pool.start) / IO_TLB_SIZE);
  const n = m.req.nslots;
  if (index < 0 || index + n > pool.nslabs || freeRunAt(pool.bits, index) < n) return false;
  const area = areaOf(pool, index);
  m.undoArea = area;
  m.undoIndex = pool.areaIndex[area]!;
  commitSlots(pool, area, index, n, m.req.searchSize, m.req.inSlot);
  mem.totalUsed += n;
  m.found.pool = pool;
  m.found.index = index;
  m.found.nslots = n;
  m.done = true;
  return true;
}

/** Take back the slots a map holds, and its area's index. */
function giveBack(mem: IoTlbMem, m: OrderedMap): void {
  const pool = mem.pools[0]!;
  releaseSlots(pool, m.undoArea, m.found.index, m.found.nslots);
  pool.areaIndex[m.undoArea] = m.undoIndex;
  mem.totalUsed -= m.found.nslots;
  m.done = false;
}

/** A release the replay applied at an unmap's entry: the kernel may have made it after a concurrent map took its lock. */
export interface RecentRelease {
  /** Sequence number of the release (increasing). */
  readonly seq: number;
  /** CPU of the unmap; until that CPU writes its next event the release may not have happened yet. */
  readonly cpu: number;
  open: boolean;
  readonly index: number;
  readonly nslots: number;
  /** The mapping's size and in-slot offset, as its map stored them. */
  readonly size: number;
  readonly off: number;
}

/** Put a released mapping's slots back in use, as before its release (the area index is not the release's to move). */
function reoccupy(mem: IoTlbMem, r: RecentRelease): void {
  const pool = mem.pools[0]!;
  const area = areaOf(pool, r.index);
  const index = pool.areaIndex[area]!;
  commitSlots(pool, area, r.index, r.nslots, r.size + r.off, r.off);
  pool.areaIndex[area] = index;
  mem.totalUsed += r.nslots;
}

/** Release them again after a trial. */
function release(mem: IoTlbMem, r: RecentRelease): void {
  const pool = mem.pools[0]!;
  releaseSlots(pool, areaOf(pool, r.index), r.index, r.nslots);
  mem.totalUsed -= r.nslots;
}

/** A map the replay committed at its return; the kernel may have taken its lock after a map still pending then. */
export interface RecentCommit {
  /** Sequence number of the commit (increasing). */
  readonly seq: number;
  readonly cpu: number;
  readonly index: number;
  readonly nslots: number;
  /** As the map's commit stored them: its search size and in-slot offset. */
  readonly searchSize: number;
  readonly inSlot: number;
  /** Its area, and that area's index before the commit. */
  readonly area: number;
  readonly indexBefore: number;
}

/**
 * Whether m gets the kernel's result if the last k of the given commits
 * (for k = 1, 2, ...) had not happened yet: their slots free again and their
 * areas' indexes as before them. Everything is put back after each trial.
 */
function tryBefore(mem: IoTlbMem, m: OrderedMap, commits: readonly RecentCommit[], kernel: number): boolean {
  const pool = mem.pools[0]!;
  const indexes = Int32Array.from(pool.areaIndex);
  const undone: { c: RecentCommit; orig: Float64Array }[] = [];
  let explained = false;
  for (let i = commits.length - 1; i >= 0 && !explained; i--) {
    const c = commits[i]!;
    // Only a commit still in place can be taken back (its mapping may be unmapped by now).
    if (pool.head[c.index] !== 1 || pool.allocSize[c.index] !== c.searchSize - c.inSlot) break;
    undone.push({ c, orig: pool.origAddr.slice(c.index, c.index + c.nslots) });
    releaseSlots(pool, c.area, c.index, c.nslots);
    mem.totalUsed -= c.nslots;
    pool.areaIndex[c.area] = c.indexBefore;
    const then = take(mem, m);
    explained = (then ? tlbOf(mem, m) : -1) === kernel;
    if (then) giveBack(mem, m);
  }
  for (let i = undone.length - 1; i >= 0; i--) {
    const { c, orig } = undone[i]!;
    commitSlots(pool, c.area, c.index, c.nslots, c.searchSize, c.inSlot);
    pool.origAddr.set(orig, c.index);
    mem.totalUsed += c.nslots;
  }
  pool.areaIndex.set(indexes);
  return explained;
}

/**
 * Decide a returning map, trying the lock orders the trace allows.
 *
 * @param mem - The allocator (one pool).
 * @param m - The returning map (not yet searched).
 * @param others - Other CPUs' maps that entered before this return and have not returned.
 * @param releases - Releases that may have come after m's lock, oldest first: applied since m entered, or still open.
 * @param commits - Other CPUs' maps committed since m entered, oldest first.
 * @param kernel - The kernel's result: the bounce address, or -1.
 * @param kernelOf - The kernel's result for another pending map when the trace already shows it, else undefined.
 * @returns The verdict and the model's own result (address or -1): `same` when the return order gives the
 *   kernel's result (m then holds its slots); `reordered` when another map going first does, `differs` when
 *   none does (both leave the state as it was, m not searched: follow the kernel).
 * @remarks Context: replay. The trial searches of a differing map are counted in the work counters (the
 *   kernel made no such trials): only the counters move, never a decision.
 */
export function decideInOrder(
  mem: IoTlbMem,
  m: OrderedMap,
  others: readonly OrderedMap[],
  releases: readonly RecentRelease[],
  commits: readonly RecentCommit[],
  kernel: number,
  kernelOf?: (o: OrderedMap) => number | undefined,
): { verdict: 'same' | 'reordered' | 'differs'; model: number } {
  const own = take(mem, m);
  const model = own ? tlbOf(mem, m) : -1;
  if (model === kernel) return { verdict: 'same', model };
  if (own) giveBack(mem, m);
  // Another CPU's pending map taking the lock first goes where the kernel put it when its return is already
  // known (lookahead), else where the model's search puts it. Every trial is taken back: that map is decided
  // at its own return, so a wrong guess cannot spoil later decisions.
  const placeFirst = (o: OrderedMap): boolean => {
    const known = kernelOf?.(o);
    return known === undefined ? take(mem, o) : known >= 0 && placeAt(mem, o, known);
  };
  const pending = others.filter((o) => o.ready && !o.done);
  for (const o of pending) {
    const first = placeFirst(o);
    const explained = getsKernel(mem, m, kernel);
    if (first) giveBack(mem, o);
    if (explained) return { verdict: 'reordered', model };
  }
  if (explainedByTiming(mem, m, releases, commits, kernel)) return { verdict: 'reordered', model };
  // Two steps: another CPU's map first, and a late release or an early lock.
  for (const o of pending) {
    const first = placeFirst(o);
    const explained = explainedByTiming(mem, m, releases, commits, kernel);
    if (first) giveBack(mem, o);
    if (explained) return { verdict: 'reordered', model };
  }
  return { verdict: 'differs', model };
}

/** Whether m's search now gives the kernel's result (taken back after). */
function getsKernel(mem: IoTlbMem, m: OrderedMap, kernel: number): boolean {
  const then = take(mem, m);
  const explained = (then ? tlbOf(mem, m) : -1) === kernel;
  if (then) giveBack(mem, m);
  return explained;
}

/**
 * Whether m gets the kernel's result if it took the lock before some
 * releases the replay applied at their unmaps' entries (first the ones still
 * open: their CPU has written nothing since, and a paused virtual CPU can hold
 * slots a long time), or before maps of other CPUs that returned during its
 * window, or before the last k releases of its window (k = 1, 2, ..., newest
 * first). Every trial is taken back.
 */
function explainedByTiming(mem: IoTlbMem, m: OrderedMap, releases: readonly RecentRelease[], commits: readonly RecentCommit[], kernel: number): boolean {
  if (tryWithout(mem, m, releases.filter((r) => r.open), kernel)) return true;
  if (tryBefore(mem, m, commits, kernel)) return true;
  const pool = mem.pools[0]!;
  const back: RecentRelease[] = [];
  let explained = false;
  for (let i = releases.length - 1; i >= 0 && !explained; i--) {
    const r = releases[i]!;
    if (r.open) continue;
    if (r.index + r.nslots > pool.nslabs || freeRunAt(pool.bits, r.index) < r.nslots) break;
    reoccupy(mem, r);
    back.push(r);
    explained = getsKernel(mem, m, kernel);
  }
  for (let i = back.length - 1; i >= 0; i--) release(mem, back[i]!);
  return explained;
}

/** Whether m gets the kernel's result with the given releases not yet made (all taken back after). */
function tryWithout(mem: IoTlbMem, m: OrderedMap, rs: readonly RecentRelease[], kernel: number): boolean {
  if (rs.length === 0) return false;
  const pool = mem.pools[0]!;
  const back: RecentRelease[] = [];
  for (const r of rs) {
    if (r.index + r.nslots > pool.nslabs || freeRunAt(pool.bits, r.index) < r.nslots) continue;
    reoccupy(mem, r);
    back.push(r);
  }
  const then = take(mem, m);
  const explained = (then ? tlbOf(mem, m) : -1) === kernel;
  if (then) giveBack(mem, m);
  for (let i = back.length - 1; i >= 0; i--) release(mem, back[i]!);
  return explained;
}

/**
 * Search and commit a map the model's own way (when the kernel's slots cannot be followed).
 *
 * @param mem - The allocator.
 * @param m - The map, not searched.
 * @returns Whether it got slots.
 * @remarks Context: replay.
 */
export function takeOwn(mem: IoTlbMem, m: OrderedMap): boolean {
  return take(mem, m);
}

/**
 * Give the map the kernel's slots (or none, when the kernel failed it), so
 * that later decisions are checked from the kernel's state.
 *
 * @param mem - The allocator.
 * @param m - The map, not searched.
 * @param kernel - The kernel's bounce address, or -1.
 * @param keepIndex - Other maps committed in the area while m was pending: if the kernel's slots lie
 *   behind the area's index, m's lock came before theirs and the index stays theirs.
 * @returns true when the state now follows the kernel; false when the kernel's slots are not free in the model (m then holds nothing).
 * @remarks Context: replay, after a differing decision. The area index moves as the kernel's commit moved it.
 */
export function followKernel(mem: IoTlbMem, m: OrderedMap, kernel: number, keepIndex: boolean): boolean {
  if (kernel < 0) return true;
  const pool = mem.pools[0]!;
  if (!placeAt(mem, m, kernel)) return false;
  // Slots behind the area's index, taken while later commits moved it: the kernel's lock came first.
  if (keepIndex && m.found.index - m.undoArea * pool.areaNslabs < m.undoIndex) pool.areaIndex[m.undoArea] = m.undoIndex;
  if (mem.totalUsed > mem.usedHiwater) mem.usedHiwater = mem.totalUsed;
  return true;
}
