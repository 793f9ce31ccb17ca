/**
 * The buddy page allocator of the simulated machine: one FreeArea per zone and
 * one for the CMA region, zone fallback (Normal, then DMA32, then DMA) as
 * Linux's zonelist does, memblock-style boot reservations, and exact counters
 * of allocations, frees and failures by order and cause.
 *
 * Not modelled: watermarks and lowmem_reserve, reclaim and compaction (maySleep
 * only opens CMA), per-CPU page lists, migrate types other than CMA.
 *
 * @module
 */
import { ContractError, hex } from '../util/errors.js';
import type { AddressMap, ZoneId } from './address-map.js';
import { placeCma } from './cma.js';
import { MAX_ORDER, PAGE_SIZE } from './constants.js';
import { FreeArea } from './free-area.js';
import { zoneIndex, type AllocFailure, type AllocRequest, type PageAllocatorCounters, type PageAllocatorOptions, type ZoneName } from './gfp.js';
import { ReservedRanges } from './reserved-ranges.js';
import { carveRange, findTopDown, rangeIsFree, releaseRange } from './zone-ranges.js';

/** A buddy allocator over the RAM of an address map. Deterministic: same calls, same addresses. */
export class PageAllocator {
  /** The address map this allocator manages. */
  readonly map: AddressMap;
  /** First address of the CMA region, or -1 when there is none. */
  readonly cmaBase: number;
  /** Bytes of the CMA region (0 when none). */
  readonly cmaSize: number;
  /** Cause of the most recent failed alloc(); null after a success. */
  lastFailure: AllocFailure | null = null;
  private readonly zones: FreeArea[];
  private readonly cma: FreeArea | null;
  private readonly cmaZone: number;
  /** For each highest-allowed zone, the highest zone at or below it that has RAM (-1: none). */
  private readonly preferred: Int8Array;
  private readonly allocated: Uint32Array[] = [];
  private readonly reserved = new ReservedRanges();
  private readonly nAlloc = new Float64Array(MAX_ORDER + 1);
  private readonly nCmaAlloc = new Float64Array(MAX_ORDER + 1);
  private readonly nFree = new Float64Array(MAX_ORDER + 1);
  private readonly nNoMem = new Float64Array(MAX_ORDER + 1);
  private readonly nFrag = new Float64Array(MAX_ORDER + 1);
  private nFallback = 0;
  private nReservations = 0;

  /**
   * Build the allocator with every RAM page free ("memblock_free_all"), then place CMA.
   *
   * @param map - The machine's address map.
   * @param options - CMA placement.
   * @throws InputError (code `bad_cma`) when the CMA region cannot be placed.
   * @remarks Context: boot.
   */
  constructor(map: AddressMap, options: PageAllocatorOptions = {}) {
    this.map = map;
    const endPfn = map.ramEnd / PAGE_SIZE;
    for (let k = 0; k <= MAX_ORDER; k++) this.allocated.push(new Uint32Array(Math.ceil(endPfn / 2 ** k / 32)));
    this.zones = [0, 1, 2].map((z) => {
      const start = Math.min(map.zoneStart(z as ZoneId), map.ramEnd) / PAGE_SIZE;
      const end = Math.min(map.zoneEnds[z]!, map.ramEnd) / PAGE_SIZE;
      const area = new FreeArea(start, Math.max(start, end));
      for (const r of map.ramRanges(z as ZoneId)) area.releaseRange(r.start / PAGE_SIZE, r.end / PAGE_SIZE);
      return area;
    });
    this.preferred = Int8Array.of(-1, -1, -1);
    for (let z = 0, best = -1; z <= 2; z++) {
      if (map.ramRanges(z as ZoneId).length > 0) best = z;
      this.preferred[z] = best;
    }
    const c = options.cma;
    const region = c === undefined ? null : placeCma(map, this.zones, c);
    this.cma = region?.area ?? null;
    this.cmaBase = region?.base ?? -1;
    this.cmaSize = region?.size ?? 0;
    this.cmaZone = region?.zone ?? -1;
  }

  /**
   * Allocate 2^order contiguous pages: CMA first for sleepers (when the region
   * lies in an allowed zone), then the highest allowed zone, then lower zones.
   * Each free area gives the smallest sufficient order, lowest address first.
   *
   * @param req - Order, highest zone, and whether the caller may sleep.
   * @returns The block's physical address, or -1 (cause in lastFailure).
   * @throws RangeError for an order outside 0..MAX_ORDER or an unknown zone.
   * @remarks Context: any; with maySleep, process context only. Hot path: no allocation.
   */
  alloc(req: AllocRequest): number {
    const order = req.order;
    if (!(order >= 0 && order <= MAX_ORDER && order % 1 === 0)) {
      throw new RangeError(`Cannot allocate pages of order ${order}: expected 0..${MAX_ORDER}`);
    }
    const highest = zoneIndex(req.zone);
    const cma = this.cma;
    const cmaOk = cma !== null && req.maySleep && req.cma !== false && this.cmaZone <= highest;
    let pfn = cmaOk ? cma.take(order) : -1;
    if (pfn >= 0) {
      this.nCmaAlloc[order] = this.nCmaAlloc[order]! + 1;
    } else {
      for (let z = highest; z >= 0 && pfn < 0; z--) {
        pfn = this.zones[z]!.take(order);
        if (pfn >= 0 && z !== this.preferred[highest]) this.nFallback++;
      }
    }
    if (pfn < 0) {
      let total = cmaOk ? cma.freePages : 0;
      for (let z = highest; z >= 0; z--) total += this.zones[z]!.freePages;
      const frag = total >= 2 ** order;
      this.lastFailure = frag ? 'fragmented' : 'no_memory';
      const counts = frag ? this.nFrag : this.nNoMem;
      counts[order] = counts[order]! + 1;
      return -1;
    }
    const bits = this.allocated[order]!;
    const idx = pfn / 2 ** order;
    bits[idx >>> 5] = bits[idx >>> 5]! | (1 << (idx & 31));
    this.nAlloc[order] = this.nAlloc[order]! + 1;
    this.lastFailure = null;
    return pfn * PAGE_SIZE;
  }

  /**
   * Free a block allocated by alloc(), coalescing it with free buddies.
   *
   * @param addr - The address alloc() returned.
   * @param order - The order it was allocated with.
   * @returns Nothing.
   * @throws ContractError (code `bad_free`) when no block of that order was allocated at addr.
   * @remarks Context: any. Hot path: no allocation.
   */
  free(addr: number, order: number): void {
    const pfn = addr / PAGE_SIZE;
    const idx = pfn / 2 ** order;
    const bits = this.allocated[order];
    const word = bits === undefined || idx % 1 !== 0 || !(idx >= 0) ? undefined : bits[idx >>> 5];
    if (word === undefined || (word & (1 << (idx & 31))) === 0) {
      throw new ContractError('bad_free', `Cannot free order-${order} block at ${hex(addr)}: no block of that order is allocated there`);
    }
    bits![idx >>> 5] = word & ~(1 << (idx & 31));
    const cma = this.cma;
    const area = cma !== null && pfn >= cma.startPfn && pfn < cma.endPfn ? cma : this.zones[this.map.zoneOf(addr)]!;
    area.release(pfn, order);
    this.nFree[order] = this.nFree[order]! + 1;
  }

  /**
   * Reserve the highest free range of size bytes whose start is a multiple of
   * align and whose end is at most limit, as memblock's top-down allocator does
   * (e.g. for the swiotlb boot pool). CMA pages are never used.
   *
   * @param size - Bytes (> 0); rounded up to whole pages.
   * @param align - Alignment in bytes, a power of two; below PAGE_SIZE means PAGE_SIZE.
   * @param limit - Exclusive bound on the range's end (e.g. 4 GiB); above the end of RAM means the end of RAM.
   * @returns The range's first address, or -1 when no range fits.
   * @throws RangeError for a non-positive size, an alignment that is not a power of two, or a bad limit.
   * @remarks Context: boot or process context; not a hot path.
   */
  reserveTopDown(size: number, align: number, limit: number): number {
    if (!Number.isSafeInteger(size) || size <= 0) throw new RangeError(`Cannot reserve ${size} bytes: expected a positive integer`);
    if (!Number.isSafeInteger(align) || align <= 0 || !Number.isInteger(Math.log2(align))) {
      throw new RangeError(`Cannot reserve with alignment ${align}: expected a power of two`);
    }
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`Cannot reserve below ${limit}: expected a non-negative integer`);
    const npages = Math.ceil(size / PAGE_SIZE);
    const top = Math.floor(Math.min(limit, this.map.ramEnd) / PAGE_SIZE);
    const pfn = findTopDown(this.zones, npages, Math.max(1, align / PAGE_SIZE), top);
    if (pfn < 0) return -1;
    this.takeReserved(pfn, npages);
    return pfn * PAGE_SIZE;
  }

  /**
   * Reserve a fixed range (memblock_reserve of a firmware-described region).
   *
   * @param addr - First address, page aligned.
   * @param size - Bytes, a positive multiple of PAGE_SIZE.
   * @returns true when reserved; false when some page of it is not free RAM (CMA included).
   * @throws RangeError when addr or size is not page aligned.
   * @remarks Context: boot or process context.
   */
  reserve(addr: number, size: number): boolean {
    this.checkPageRange('reserve', addr, size);
    const s = addr / PAGE_SIZE;
    if (!rangeIsFree(this.zones, s, s + size / PAGE_SIZE)) return false;
    this.takeReserved(s, size / PAGE_SIZE);
    return true;
  }

  /**
   * Give a reserved range (or part of one) to the buddy allocator, as
   * memblock_free_late() does when a boot pool is torn down.
   *
   * @param addr - First address, page aligned.
   * @param size - Bytes, a positive multiple of PAGE_SIZE.
   * @returns Nothing.
   * @throws RangeError for unaligned input; ContractError (code `not_reserved`) when the range is not reserved.
   * @remarks Context: process context.
   */
  freeReserved(addr: number, size: number): void {
    this.checkPageRange('free reserved range', addr, size);
    const s = addr / PAGE_SIZE;
    const e = s + size / PAGE_SIZE;
    if (!this.reserved.remove(s, e)) {
      throw new ContractError('not_reserved', `Cannot free reserved range [${hex(addr)}-${hex(addr + size)}): it is not reserved`);
    }
    releaseRange(this.zones, s, e);
  }

  /**
   * The reserved ranges (boot reservations not yet given back).
   *
   * @returns [start, end) address pairs, sorted; adjacent reservations appear merged.
   * @remarks Context: any.
   */
  reservedRanges(): Array<[number, number]> {
    return this.reserved.list().map(([s, e]) => [s * PAGE_SIZE, e * PAGE_SIZE]);
  }

  /**
   * The free area of a zone or of CMA, for diagnostics and the fragmenter.
   *
   * @param zone - Zone name or `cma`.
   * @returns The FreeArea, or null for `cma` when there is no CMA region.
   * @remarks Context: any.
   */
  area(zone: ZoneName | 'cma'): FreeArea | null {
    return zone === 'cma' ? this.cma : this.zones[zoneIndex(zone)]!;
  }

  /**
   * Free pages of a zone or of CMA.
   *
   * @param zone - Zone name or `cma`.
   * @returns The number of free pages.
   * @remarks Context: any.
   */
  pagesFree(zone: ZoneName | 'cma'): number {
    return this.area(zone)?.freePages ?? 0;
  }

  /**
   * Free blocks per order of a zone or of CMA, as one line of /proc/buddyinfo.
   *
   * @param zone - Zone name or `cma`.
   * @returns Counts indexed by order (all zero for a missing CMA region).
   * @remarks Context: any.
   */
  buddyInfo(zone: ZoneName | 'cma'): number[] {
    const a = this.area(zone);
    return a === null ? new Array<number>(MAX_ORDER + 1).fill(0) : Array.from(a.nrFree);
  }

  /**
   * Snapshot every count.
   *
   * @returns A plain, JSON-serialisable object.
   * @remarks Context: any.
   */
  counters(): PageAllocatorCounters {
    return {
      allocations: Array.from(this.nAlloc),
      cmaAllocations: Array.from(this.nCmaAlloc),
      frees: Array.from(this.nFree),
      failures: { no_memory: Array.from(this.nNoMem), fragmented: Array.from(this.nFrag) },
      fallbacks: this.nFallback,
      pagesFree: {
        dma: this.pagesFree('dma'),
        dma32: this.pagesFree('dma32'),
        normal: this.pagesFree('normal'),
        cma: this.pagesFree('cma'),
      },
      pagesReserved: this.reserved.pages,
      reservations: this.nReservations,
    };
  }

  private takeReserved(pfn: number, npages: number): void {
    carveRange(this.zones, pfn, pfn + npages);
    this.reserved.add(pfn, pfn + npages);
    this.nReservations++;
  }

  private checkPageRange(what: string, addr: number, size: number): void {
    if (!Number.isSafeInteger(addr) || addr < 0 || addr % PAGE_SIZE !== 0 || !Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new RangeError(`Cannot ${what} [${hex(addr)}, +${size}): address and size must be page aligned and size positive`);
    }
  }
}
