/**
 * Where the `reuse-pool` policy gets its bounce pages and gives them back:
 * single pages from the page allocator in batches (64 in the Hyper-V RFC),
 * made host-visible in a confidential VM, and on trim made private again
 * and freed.
 *
 * The RFC's hv_mark_gpa_visibility() takes a list of up to 64 pfns per
 * hypercall. The machine's setShared()/setPrivate() take one contiguous
 * range per hypercall, so a batch is shared with one call per contiguous run
 * of its pages: one call for a batch the allocator gives in one piece (the
 * usual case), more on a fragmented machine. The count is the machine's, an
 * upper bound of the RFC's.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { dmaReachLimit } from '../../../machine/device.js';
import type { ZoneName } from '../../../machine/gfp.js';
import type { Machine } from '../../../machine/machine.js';
import { PAGE_SIZE } from '../../constants.js';
import type { PageStack } from './page-stack.js';
import type { ReuseMeter } from './work-meter.js';

/**
 * The highest zone whose pages a device may get, and the last byte it reaches.
 *
 * @param machine - The machine (zone boundaries).
 * @param dev - The device.
 * @returns Zone (the one holding the device's limit; pages above the limit are refused) and limit.
 * @remarks Context: any.
 */
export function pageZoneFor(machine: Machine, dev: Device): { zone: ZoneName; limit: number } {
  const limit = dmaReachLimit(dev) - dev.dmaOffset;
  const ends = machine.map.zoneEnds;
  const zone: ZoneName = limit >= ends[1] - 1 ? 'normal' : limit >= ends[0] - 1 ? 'dma32' : 'dma';
  return { zone, limit };
}

/** Allocates, shares, unshares and frees single bounce pages, counting what it does. */
export class PageSource {
  readonly #meter: ReuseMeter;
  readonly #machine: Machine;
  readonly #batch: number;
  readonly #scratch: Float64Array;

  /**
   * @param machine - The machine (page allocator, encryption).
   * @param batchPages - Pages per batch and per hypercall.
   * @param meter - Counts page allocations and frees.
   */
  constructor(machine: Machine, batchPages: number, meter: ReuseMeter) {
    this.#machine = machine;
    this.#meter = meter;
    this.#batch = batchPages;
    this.#scratch = new Float64Array(batchPages);
  }

  /** Pages per batch (and at most per hypercall). */
  get batchPages(): number {
    return this.#batch;
  }

  /**
   * Allocate one batch of single pages below the device's limit, share them, and cache them.
   *
   * @param cache - The device's free list; the pages go on top, lowest address last (taken first).
   * @param zone - Highest zone (pageZoneFor()).
   * @param limit - Last byte the device reaches; a page beyond it is freed and ends the batch.
   * @param maySleep - Whether the caller may sleep (GFP_KERNEL vs GFP_ATOMIC; never CMA).
   * @param now - Simulated time (the pages' idle start).
   * @returns Pages obtained: batchPages, or fewer when the allocator ran out.
   * @remarks Context: process context in a confidential VM (sharing may sleep); any otherwise.
   */
  allocBatch(cache: PageStack, zone: ZoneName, limit: number, maySleep: boolean, now: number): number {
    const pages = this.#machine.pages;
    const buf = this.#scratch;
    let n = 0;
    while (n < this.#batch) {
      const a = pages.alloc({ order: 0, zone, maySleep, cma: false });
      if (a < 0) break;
      this.#meter.pageAllocs++;
      this.#meter.pagesAllocated++;
      if (a + PAGE_SIZE - 1 > limit) {
        pages.free(a, 0);
        this.#meter.pageFrees++;
        break;
      }
      buf[n++] = a;
    }
    this.#eachRun(buf, n, (start, count) => this.#machine.encryption.setShared(start, count));
    for (let k = n - 1; k >= 0; k--) cache.push(buf[k]!, now);
    return n;
  }

  /**
   * Make pages private again (one hypercall per contiguous run of at most batchPages) and free them.
   *
   * @param addrs - Page addresses (reordered in place).
   * @param n - How many of them.
   * @returns Nothing.
   * @remarks Context: process context (the decay job).
   */
  release(addrs: Float64Array, n: number): void {
    this.#eachRun(addrs, n, (start, count) => this.#machine.encryption.setPrivate(start, count));
    for (let k = 0; k < n; k++) this.#machine.pages.free(addrs[k]!, 0);
    this.#meter.pageFrees += n;
  }

  /** Sort the first n addresses and call fn once per contiguous run, cut at batchPages pages. */
  #eachRun(addrs: Float64Array, n: number, fn: (start: number, count: number) => void): void {
    if (n === 0) return;
    const a = addrs.subarray(0, n).sort();
    let start = a[0]!;
    let count = 1;
    for (let k = 1; k <= n; k++) {
      if (k < n && a[k]! === start + count * PAGE_SIZE && count < this.#batch) {
        count++;
        continue;
      }
      fn(start, count);
      if (k < n) {
        start = a[k]!;
        count = 1;
      }
    }
  }
}
