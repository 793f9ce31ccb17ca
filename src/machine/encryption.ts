/**
 * Memory encryption state of a confidential VM (SEV, TDX, CCA): every page is
 * private (encrypted) unless the guest has shared ("decrypted") it with the
 * host. set_memory_decrypted() / set_memory_encrypted() each cost a hypercall,
 * which is what makes per-buffer bouncing expensive in such guests.
 *
 * Shared pages are a sparse bitmap: one 32 KiB Uint32Array per GiB that holds
 * a shared page, dropped when its last page turns private.
 *
 * On a machine that is not a confidential VM all memory is plain, i.e. readable
 * by the host and devices: isShared() is always true and the set calls change
 * and count nothing, as the kernel's calls return at once without a hypercall.
 *
 * @module
 */
import { hex } from '../util/errors.js';
import type { AddressMap } from './address-map.js';
import { PAGE_SIZE } from './constants.js';

/** Pages per bitmap chunk (1 GiB of 4 KiB pages). */
const CHUNK_PAGES = 262144;

/** Population count of a 32-bit word. */
function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** A JSON-serialisable snapshot of the encryption counters. */
export interface EncryptionCounters {
  enabled: boolean;
  /** setShared() calls (set_memory_decrypted), one hypercall each. */
  setSharedCalls: number;
  /** setPrivate() calls (set_memory_encrypted), one hypercall each. */
  setPrivateCalls: number;
  /** Hypercalls in total. */
  hypercalls: number;
  /** Pages passed to setShared(), summed. */
  pagesSharedTotal: number;
  /** Pages passed to setPrivate(), summed. */
  pagesPrivateTotal: number;
  /** Pages shared now. */
  sharedPages: number;
  /** Highest number of pages shared at once. */
  sharedPagesPeak: number;
}

/** The private/shared state of every RAM page. */
export class MemoryEncryption {
  /** Whether the machine is a confidential VM. */
  readonly enabled: boolean;
  /** setShared() calls. */
  setSharedCalls = 0;
  /** setPrivate() calls. */
  setPrivateCalls = 0;
  /** Pages passed to setShared(). */
  pagesSharedTotal = 0;
  /** Pages passed to setPrivate(). */
  pagesPrivateTotal = 0;
  /** Pages shared now. */
  sharedPages = 0;
  /** Highest sharedPages seen. */
  sharedPagesPeak = 0;
  private readonly map: AddressMap;
  private readonly chunks = new Map<number, Uint32Array>();
  private readonly chunkCount = new Map<number, number>();

  /**
   * Create the state with every page private.
   *
   * @param map - The address map; only RAM pages can change state.
   * @param enabled - Whether the machine is a confidential VM.
   * @remarks Context: any.
   */
  constructor(map: AddressMap, enabled: boolean) {
    this.map = map;
    this.enabled = enabled;
  }

  /**
   * Share pages with the host (set_memory_decrypted): one hypercall.
   *
   * @param addr - First address, page aligned.
   * @param npages - Pages, >= 1.
   * @returns Nothing.
   * @throws RangeError when addr is not page aligned, npages is not positive, or the range is not RAM.
   * @remarks Context: process context (may sleep), as the kernel call.
   */
  setShared(addr: number, npages: number): void {
    this.check('share', addr, npages);
    if (!this.enabled) return;
    this.setSharedCalls++;
    this.pagesSharedTotal += npages;
    this.apply(addr / PAGE_SIZE, npages, true);
    if (this.sharedPages > this.sharedPagesPeak) this.sharedPagesPeak = this.sharedPages;
  }

  /**
   * Make pages private again (set_memory_encrypted): one hypercall.
   *
   * @param addr - First address, page aligned.
   * @param npages - Pages, >= 1.
   * @returns Nothing.
   * @throws RangeError when addr is not page aligned, npages is not positive, or the range is not RAM.
   * @remarks Context: process context (may sleep), as the kernel call.
   */
  setPrivate(addr: number, npages: number): void {
    this.check('make private', addr, npages);
    if (!this.enabled) return;
    this.setPrivateCalls++;
    this.pagesPrivateTotal += npages;
    this.apply(addr / PAGE_SIZE, npages, false);
  }

  /**
   * Whether every page touched by [addr, addr + len) is shared.
   *
   * @param addr - Physical address (any alignment).
   * @param len - Bytes, >= 1 (0 asks about the page holding addr).
   * @returns true when all those pages are shared; always true when encryption is disabled.
   * @remarks Context: any. Hot path: word-wise, no allocation.
   */
  isShared(addr: number, len: number): boolean {
    if (!this.enabled) return true;
    const first = Math.floor(addr / PAGE_SIZE);
    const end = Math.floor((addr + Math.max(len, 1) - 1) / PAGE_SIZE) + 1;
    let pfn = first;
    while (pfn < end) {
      const ci = Math.floor(pfn / CHUNK_PAGES);
      const bits = this.chunks.get(ci);
      if (bits === undefined) return false;
      const chunkEnd = Math.min(end, (ci + 1) * CHUNK_PAGES);
      for (let p = pfn - ci * CHUNK_PAGES, e = chunkEnd - ci * CHUNK_PAGES; p < e; ) {
        const w = p >>> 5;
        const lo = p & 31;
        const hi = Math.min(32, e - (w << 5));
        const mask = hi - lo === 32 ? -1 : ((1 << (hi - lo)) - 1) << lo;
        if ((bits[w]! & mask) !== (mask | 0)) return false;
        p = (w << 5) + hi;
      }
      pfn = chunkEnd;
    }
    return true;
  }

  /**
   * Snapshot the counters.
   *
   * @returns A plain, JSON-serialisable object.
   * @remarks Context: any.
   */
  counters(): EncryptionCounters {
    return {
      enabled: this.enabled,
      setSharedCalls: this.setSharedCalls,
      setPrivateCalls: this.setPrivateCalls,
      hypercalls: this.setSharedCalls + this.setPrivateCalls,
      pagesSharedTotal: this.pagesSharedTotal,
      pagesPrivateTotal: this.pagesPrivateTotal,
      sharedPages: this.sharedPages,
      sharedPagesPeak: this.sharedPagesPeak,
    };
  }

  private check(what: string, addr: number, npages: number): void {
    if (!Number.isSafeInteger(addr) || addr < 0 || addr % PAGE_SIZE !== 0) {
      throw new RangeError(`Cannot ${what} memory at ${hex(addr)}: the address is not page aligned`);
    }
    if (!Number.isSafeInteger(npages) || npages < 1) throw new RangeError(`Cannot ${what} ${npages} pages: expected a positive integer`);
    if (!this.map.isRam(addr, npages * PAGE_SIZE)) {
      throw new RangeError(`Cannot ${what} [${hex(addr)}-${hex(addr + npages * PAGE_SIZE)}): the range is not RAM`);
    }
  }

  private apply(firstPfn: number, npages: number, shared: boolean): void {
    const end = firstPfn + npages;
    let pfn = firstPfn;
    while (pfn < end) {
      const ci = Math.floor(pfn / CHUNK_PAGES);
      const chunkEnd = Math.min(end, (ci + 1) * CHUNK_PAGES);
      let bits = this.chunks.get(ci);
      if (bits === undefined) {
        if (!shared) {
          pfn = chunkEnd;
          continue;
        }
        bits = new Uint32Array(CHUNK_PAGES / 32);
        this.chunks.set(ci, bits);
        this.chunkCount.set(ci, 0);
      }
      let changed = 0;
      for (let p = pfn - ci * CHUNK_PAGES, e = chunkEnd - ci * CHUNK_PAGES; p < e; ) {
        const w = p >>> 5;
        const lo = p & 31;
        const hi = Math.min(32, e - (w << 5));
        const mask = hi - lo === 32 ? -1 : ((1 << (hi - lo)) - 1) << lo;
        const old = bits[w]!;
        const now = shared ? old | mask : old & ~mask;
        changed += popcount((old ^ now) >>> 0);
        bits[w] = now;
        p = (w << 5) + hi;
      }
      const count = this.chunkCount.get(ci)! + (shared ? changed : -changed);
      this.sharedPages += shared ? changed : -changed;
      if (count === 0) {
        this.chunks.delete(ci);
        this.chunkCount.delete(ci);
      } else {
        this.chunkCount.set(ci, count);
      }
      pfn = chunkEnd;
    }
  }
}
