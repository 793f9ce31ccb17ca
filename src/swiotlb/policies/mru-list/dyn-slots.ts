/**
 * The `io_tlb_dyn_slot` descriptors of the v2 series: {orig_addr,
 * alloc_size, page, dma_addr} per dynamic bounce buffer, kmalloc'ed at map and
 * kfree'd at unmap. Kept as a struct of typed arrays with a free list; the
 * lookup strategy's payload is the slot index. The list node itself lives in
 * the lookup strategy.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { DynCounters } from './dyn-counters.js';

/** The descriptor table (fields public for the map/unmap paths). */
export class IoTlbDynSlots {
  /** `orig_addr`: the original buffer. */
  origAddr: Float64Array = new Float64Array(16);
  /** `alloc_size`: bytes the mapping asked for. */
  allocSize: Float64Array = new Float64Array(16);
  /** Physical address of `page` (the bounce buffer; also the bounce address). */
  page: Float64Array = new Float64Array(16);
  /** Pages taken from the page allocator (2^order, or the CMA run's length). */
  heldPages: Float64Array = new Float64Array(16);
  /** Buddy order of the block, or RUN_ORDER for a CMA run above MAX_ORDER. */
  order: Int8Array = new Int8Array(16);
  /** The buffer came from the CMA region. */
  cma: Uint8Array = new Uint8Array(16);
  readonly dev: (Device | undefined)[] = [];
  /** Live descriptors. */
  live = 0;
  readonly #counters: DynCounters;
  readonly #free: number[] = [];
  #used = 0;

  /**
   * Create an empty table.
   *
   * @param counters - Where kmalloc/kfree are counted.
   * @remarks Context: boot.
   */
  constructor(counters: DynCounters) {
    this.#counters = counters;
  }

  /**
   * kmalloc() a descriptor for a device.
   *
   * @param dev - Owning device.
   * @returns Slot index.
   * @remarks Context: any (GFP_NOWAIT, or GFP_NOIO with DMA_ATTR_MAY_SLEEP; the model never fails it). No allocation unless the table grows.
   */
  alloc(dev: Device): number {
    this.#counters.kmallocs++;
    let i = this.#free.pop();
    if (i === undefined) {
      if (this.#used === this.page.length) this.#grow();
      i = this.#used++;
    }
    this.dev[i] = dev;
    this.live++;
    return i;
  }

  /**
   * kfree() a descriptor.
   *
   * @param i - Slot index.
   * @remarks Context: any. No allocation.
   */
  free(i: number): void {
    this.#counters.kfrees++;
    this.dev[i] = undefined;
    this.#free.push(i);
    this.live--;
  }

  /**
   * Indices of live descriptors (for reports; not a hot path).
   *
   * @returns A new array.
   * @remarks Context: any.
   */
  liveIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#used; i++) if (this.dev[i] !== undefined) out.push(i);
    return out;
  }

  #grow(): void {
    const n = this.page.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const x = new Float64Array(n);
      x.set(a);
      return x;
    };
    this.origAddr = f(this.origAddr);
    this.allocSize = f(this.allocSize);
    this.page = f(this.page);
    this.heldPages = f(this.heldPages);
    const order = new Int8Array(n);
    order.set(this.order);
    this.order = order;
    const cma = new Uint8Array(n);
    cma.set(this.cma);
    this.cma = cma;
  }
}
