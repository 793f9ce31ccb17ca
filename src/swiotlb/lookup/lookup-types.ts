/**
 * The contract of a bounce-buffer lookup strategy: "is this address one of
 * this device's bounce buffers, and which one?" (is_swiotlb_buffer(),
 * swiotlb_find_pool(), lookup_dyn_slot()), with the work each answer cost.
 *
 * The 2023 review measured that a "better" structure (maple tree, rbtree) was
 * slower than the v2 series' MRU list on real I/O, because lookups mostly hit
 * the buffer used last. Each strategy therefore counts nodes visited and lock
 * acquisitions as exact facts, so the lab can compare them on one workload.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';

/** The strategies; see create-lookup.ts. */
export type LookupKind = 'range' | 'mru-list' | 'tree' | 'per-device-pools';

/** Exact counts of a strategy's work; all monotonic. */
export interface LookupCounters {
  /** find() and remove() calls (each is one address search, gated or not). */
  lookups: number;
  /** Lookups answered by a per-device flag without touching a node (have_dyn / dma_uses_io_tlb clear). */
  skipped: number;
  /** Nodes compared by searches: list entries walked, tree nodes on the descent (inserts included), ranges checked. */
  nodesVisited: number;
  /** Lock acquisitions by every operation (insert, remove, find); RCU reads take none. */
  lockAcquisitions: number;
  inserts: number;
  removes: number;
  /** Entries moved to the head of an MRU list by a hit. */
  moves: number;
}

/**
 * One lookup strategy over non-overlapping [start, end) ranges, each owned by
 * a device (or, where the strategy allows it, by the whole allocator).
 *
 * @typeParam T - What a range stands for (a pool, a dynamic slot index).
 */
export interface BufferLookup<T> {
  readonly kind: LookupKind;
  readonly counters: LookupCounters;
  /** Entries held now. */
  readonly size: number;
  /**
   * Add a range.
   *
   * @param dev - Owning device, or null for an allocator-wide entry every device sees (range, tree, per-device-pools only).
   * @param start - First address.
   * @param end - Exclusive end (> start).
   * @param payload - What the range stands for.
   * @throws ContractError (`lookup_bad_range`, `lookup_no_owner`) for an empty range or a null owner the strategy cannot hold.
   */
  insert(dev: Device | null, start: number, end: number, payload: T): void;
  /**
   * Remove the entry of the device that contains addr (the unmap's search; an MRU list does not move it first).
   *
   * @param dev - Device the entry belongs to.
   * @param addr - Any address inside the entry.
   * @returns The entry's payload, or null when the device has no entry containing addr.
   */
  remove(dev: Device, addr: number): T | null;
  /**
   * The entry containing addr that the device may see (an MRU list moves it to the head).
   *
   * @param dev - Device asking.
   * @param addr - Address.
   * @returns The payload, or null.
   */
  find(dev: Device, addr: number): T | null;
}

/**
 * A zeroed counter set.
 *
 * @returns New counters.
 * @remarks Context: any.
 */
export function newLookupCounters(): LookupCounters {
  return { lookups: 0, skipped: 0, nodesVisited: 0, lockAcquisitions: 0, inserts: 0, removes: 0, moves: 0 };
}
