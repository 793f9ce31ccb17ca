/**
 * One live mapping of the `reuse-pool` policy: a page-granular, physically
 * non-contiguous bounce buffer (the Hyper-V RFC's list of page-sized bounce
 * buffers per packet). The bounce address handed out is the first page's
 * address plus the original's offset within its page; the device is given
 * the page list (segments()), and every copy goes page by page.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { PhysMemory } from '../../../machine/phys-memory.js';
import { PAGE_SIZE } from '../../constants.js';
import type { ReuseMeter } from './work-meter.js';

/** A contiguous piece of a bounce buffer as the device sees it. */
export interface BounceSegment {
  addr: number;
  len: number;
}

/** A live page-list bounce buffer. */
export class PageMapping {
  readonly dev: Device;
  /** Bounce address: pages[0] + offset. */
  readonly tlb: number;
  /** The original's offset within its page, kept in the bounce buffer (min_align_mask up to 0xfff). */
  readonly offset: number;
  /** Bytes mapped. */
  readonly size: number;
  /** Physical address of the original buffer. */
  readonly orig: number;
  /** Page addresses, in buffer order. */
  readonly pages: Float64Array;

  /**
   * @param dev - Device.
   * @param orig - Original buffer.
   * @param size - Bytes mapped.
   * @param pages - ceil((orig % PAGE_SIZE + size) / PAGE_SIZE) page addresses.
   */
  constructor(dev: Device, orig: number, size: number, pages: Float64Array) {
    this.dev = dev;
    this.orig = orig;
    this.size = size;
    this.offset = orig % PAGE_SIZE;
    this.pages = pages;
    this.tlb = pages[0]! + this.offset;
  }

  /**
   * Where a bounce address lies in the buffer.
   *
   * @param addr - An address in one of the mapping's pages.
   * @returns Byte position from the buffer start (may be < 0 or >= size inside the edge pages), or NaN when no page holds it.
   * @remarks Context: any. O(1) for the first page, linear in the pages otherwise.
   */
  positionOf(addr: number): number {
    const page = addr - (addr % PAGE_SIZE);
    const i = page === this.pages[0] ? 0 : this.pages.indexOf(page);
    return i < 0 ? NaN : i * PAGE_SIZE + (addr % PAGE_SIZE) - this.offset;
  }

  /**
   * Copy between the original and the bounce pages, page by page.
   *
   * @param memory - Physical memory.
   * @param pos - First byte (buffer position, 0..size).
   * @param len - Bytes; cut to what remains of the mapping.
   * @param toDevice - true copies original to bounce, false back.
   * @param meter - Counts the bytes and the copies (one per page).
   * @returns Bytes copied.
   * @remarks Context: any; no locks. No allocation.
   */
  bounce(memory: PhysMemory, pos: number, len: number, toDevice: boolean, meter: ReuseMeter): number {
    if (!(pos >= 0)) return 0; // before the mapping's first byte: refused, as pre-6.9 kernels do
    const total = Math.max(0, Math.min(len, this.size - pos));
    let p = this.offset + pos;
    let done = 0;
    while (done < total) {
      const i = Math.floor(p / PAGE_SIZE);
      const inPage = p - i * PAGE_SIZE;
      const n = Math.min(total - done, PAGE_SIZE - inPage);
      const bounceAddr = this.pages[i]! + inPage;
      if (toDevice) memory.copy(bounceAddr, this.orig + pos + done, n);
      else memory.copy(this.orig + pos + done, bounceAddr, n);
      done += n;
      p += n;
      meter.copies++;
    }
    meter.bytesCopied += total;
    return total;
  }

  /**
   * The buffer as the device sees it: one segment per page (Hyper-V's GPA list).
   *
   * @returns Segments in buffer order; their lengths add up to size.
   * @remarks Context: any. Allocates (reports and tests, not the hot path).
   */
  segments(): BounceSegment[] {
    const out: BounceSegment[] = [];
    let rest = this.size;
    for (let i = 0, off = this.offset; rest > 0; i++, off = 0) {
      const len = Math.min(rest, PAGE_SIZE - off);
      out.push({ addr: this.pages[i]! + off, len });
      rest -= len;
    }
    return out;
  }
}
