/**
 * The bounce pages of one device (the Hyper-V RFC's per-channel state): the
 * free list, the reserve the trimming never goes below, the pages held, and
 * which live mapping owns each page in use.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { ZoneName } from '../../../machine/gfp.js';
import type { Machine } from '../../../machine/machine.js';
import type { PageMapping } from './page-mapping.js';
import { pageZoneFor, type PageSource } from './page-source.js';
import { PageStack } from './page-stack.js';

/** Why a device could not get pages for a mapping. */
export type ObtainFailure = 'would_block' | 'no_memory';

/** Pages trimmed per release call (a multiple of any sensible batch): the size of trim()'s scratch. */
export const TRIM_CHUNK = 1024;

/** One device's bounce pages. */
export class DevicePool {
  readonly dev: Device;
  /** Idle pages, shared with the host, most recently freed on top. */
  readonly cache = new PageStack();
  /** Page address -> the live mapping using it. */
  readonly byPage = new Map<number, PageMapping>();
  readonly zone: ZoneName;
  /** Last byte the device reaches. */
  readonly limit: number;
  /** Pages trimming keeps (hv_bounce_resources_reserve(), rounded up to whole batches). */
  reservePages = 0;
  /** Pages held: in use plus cached. */
  held = 0;
  /** Pages of live mappings. */
  inUse = 0;

  /**
   * @param machine - The machine (zones).
   * @param dev - The device.
   */
  constructor(machine: Machine, dev: Device) {
    this.dev = dev;
    const z = pageZoneFor(machine, dev);
    this.zone = z.zone;
    this.limit = z.limit;
  }

  /**
   * Take n pages for a mapping, allocating batches while the free list is short.
   *
   * @param n - Pages wanted.
   * @param out - Receives them (buffer order).
   * @param source - Page source.
   * @param mayAlloc - Whether new pages may be allocated (not in atomic context of a confidential VM).
   * @param maySleep - Whether the caller may sleep.
   * @param contiguous - Take a physically contiguous run (lowest address first) instead of the most recent pages.
   * @param now - Simulated time.
   * @returns null on success, else why not (pages allocated meanwhile stay cached).
   * @remarks Context: the device's lock held.
   */
  obtain(n: number, out: Float64Array, source: PageSource, mayAlloc: boolean, maySleep: boolean, contiguous: boolean, now: number): ObtainFailure | null {
    const cache = this.cache;
    if (!contiguous) {
      while (cache.length < n) {
        if (!mayAlloc) return 'would_block';
        const got = source.allocBatch(cache, this.zone, this.limit, maySleep, now);
        this.held += got;
        if (got === 0) return 'no_memory';
      }
      for (let k = 0; k < n; k++) out[k] = cache.pop();
      return null;
    }
    // Fresh batches from an unfragmented allocator are contiguous; give up after enough of them.
    for (let tries = Math.ceil(n / source.batchPages) + 2; !cache.takeRun(n, out); tries--) {
      if (!mayAlloc) return 'would_block';
      const got = tries > 0 ? source.allocBatch(cache, this.zone, this.limit, maySleep, now) : 0;
      this.held += got;
      if (got === 0) return 'no_memory';
    }
    return null;
  }

  /**
   * Record a new mapping as the owner of its pages.
   *
   * @param m - The mapping (its pages came from obtain()).
   * @returns Nothing.
   * @remarks Context: the device's lock held.
   */
  attach(m: PageMapping): void {
    const pages = m.pages;
    for (let k = 0; k < pages.length; k++) this.byPage.set(pages[k]!, m);
    this.inUse += pages.length;
  }

  /**
   * Put a mapping's pages back on the free list (first page on top, so the same
   * mapping again gets the same pages).
   *
   * @param m - The mapping, already removed from the live table.
   * @param now - Simulated time they become idle.
   * @returns Nothing.
   * @remarks Context: any (the device's lock held).
   */
  give(m: PageMapping, now: number): void {
    const pages = m.pages;
    for (let k = pages.length - 1; k >= 0; k--) {
      this.byPage.delete(pages[k]!);
      this.cache.push(pages[k]!, now);
    }
    this.inUse -= pages.length;
  }

  /**
   * Free the pages idle for at least decayNs, oldest first, never going below the reserve.
   *
   * @param now - Simulated time.
   * @param decayNs - Idle time after which a page goes.
   * @param source - Page source (unshares and frees).
   * @param buf - Scratch of TRIM_CHUNK pages or more.
   * @returns Pages freed.
   * @remarks Context: process context (the maintenance work); the device's lock held.
   */
  trim(now: number, decayNs: number, source: PageSource, buf: Float64Array): number {
    const cache = this.cache;
    let freed = 0;
    let n = 0;
    while (cache.length > 0 && this.held > this.reservePages && now - cache.oldestTime() >= decayNs) {
      buf[n++] = cache.shiftOldest();
      this.held--;
      if (n === TRIM_CHUNK) {
        source.release(buf, n);
        freed += n;
        n = 0;
      }
    }
    source.release(buf, n);
    return freed + n;
  }

  /**
   * Allocate batches until the pool holds its reserve.
   *
   * @param source - Page source.
   * @param maySleep - Whether the caller may sleep.
   * @param now - Simulated time.
   * @returns Pages allocated.
   * @remarks Context: process context in a confidential VM.
   */
  fill(source: PageSource, maySleep: boolean, now: number): number {
    const before = this.held;
    while (this.held < this.reservePages) {
      const got = source.allocBatch(this.cache, this.zone, this.limit, maySleep, now);
      this.held += got;
      if (got === 0) break;
    }
    return this.held - before;
  }
}
