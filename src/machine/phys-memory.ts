/**
 * Physical memory of the simulated machine.
 *
 * `bytes` mode keeps real bytes, sparsely: fixed-size chunks allocated on first
 * write in a Map keyed by chunk index (one ArrayBuffer tops out at 4 GiB, so RAM
 * is never allocated whole); unwritten memory reads as zero. `accounting` mode
 * stores nothing: writes and copies are counted, reads return zeros. Both modes
 * check the same ranges and count the same numbers, so every decision a run
 * makes is identical in either mode.
 *
 * @module
 */
import { crc32 } from 'node:zlib';
import { hex } from '../util/errors.js';
import type { AddressMap } from './address-map.js';
import { PAGE_SIZE } from './constants.js';

/** Whether memory stores bytes or only counts them. */
export type MemoryMode = 'bytes' | 'accounting';

/** Default chunk size of bytes mode (1 MiB). */
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;

/** A JSON-serialisable snapshot of the memory counters. */
export interface MemoryCounters {
  mode: MemoryMode;
  bytesCopied: number;
  copies: number;
  bytesWritten: number;
  writes: number;
  bytesRead: number;
  reads: number;
  chunksAllocated: number;
}

/** The RAM of one machine. */
export class PhysMemory {
  /** Storage mode. */
  readonly mode: MemoryMode;
  /** Chunk size in bytes (a power of two, at least a page). */
  readonly chunkBytes: number;
  /** Bytes moved by copy(). */
  bytesCopied = 0;
  /** copy() calls. */
  copies = 0;
  /** Bytes stored by write() and fill(). */
  bytesWritten = 0;
  /** write() and fill() calls. */
  writes = 0;
  /** Bytes returned by read(), readInto() and checksum(). */
  bytesRead = 0;
  /** read(), readInto() and checksum() calls. */
  reads = 0;
  private readonly map: AddressMap;
  private readonly chunks = new Map<number, Uint8Array>();
  private readonly zeros: Uint8Array;
  private readonly store: boolean;

  /**
   * Create empty (all-zero) memory over the RAM of an address map.
   *
   * @param map - The address map; accesses outside its RAM are errors.
   * @param mode - `bytes` or `accounting`.
   * @param chunkBytes - Chunk size for bytes mode; a power of two >= PAGE_SIZE, default 1 MiB.
   * @remarks Context: any.
   */
  constructor(map: AddressMap, mode: MemoryMode, chunkBytes: number = DEFAULT_CHUNK_BYTES) {
    if (mode !== 'bytes' && mode !== 'accounting') {
      throw new RangeError(`Cannot create memory in mode '${String(mode)}': expected bytes or accounting`);
    }
    if (!Number.isInteger(chunkBytes) || chunkBytes < PAGE_SIZE || chunkBytes > 2 ** 30 || !Number.isInteger(Math.log2(chunkBytes))) {
      throw new RangeError(`Cannot use memory chunks of ${chunkBytes} bytes: expected a power of two from ${PAGE_SIZE} to 2^30`);
    }
    this.map = map;
    this.mode = mode;
    this.chunkBytes = chunkBytes;
    this.store = mode === 'bytes';
    this.zeros = new Uint8Array(mode === 'bytes' ? chunkBytes : Math.min(chunkBytes, 65536));
  }

  /**
   * Chunks holding bytes: the real memory footprint of bytes mode.
   *
   * @returns The number of allocated chunks (always 0 in accounting mode).
   * @remarks Context: any.
   */
  get chunksAllocated(): number {
    return this.chunks.size;
  }

  /**
   * Read bytes into a new array.
   *
   * @param addr - Physical address.
   * @param len - Bytes, >= 0.
   * @returns A new array with the bytes (zeros where never written, and always in accounting mode).
   * @throws RangeError when [addr, addr + len) is not RAM.
   * @remarks Context: any. Allocates the result; use readInto() on hot paths.
   */
  read(addr: number, len: number): Uint8Array {
    this.check('read', addr, len);
    const out = new Uint8Array(len);
    this.reads++;
    this.bytesRead += len;
    if (this.store) this.gather(addr, out);
    return out;
  }

  /**
   * Read bytes into a caller's array, filling all of it.
   *
   * @param addr - Physical address.
   * @param dst - Destination; dst.length bytes are read.
   * @returns Nothing.
   * @throws RangeError when the range is not RAM.
   * @remarks Context: any. Hot path: no allocation.
   */
  readInto(addr: number, dst: Uint8Array): void {
    this.check('read', addr, dst.length);
    this.reads++;
    this.bytesRead += dst.length;
    if (this.store) this.gather(addr, dst);
    else dst.fill(0);
  }

  /**
   * Write bytes.
   *
   * @param addr - Physical address.
   * @param bytes - The bytes to store.
   * @returns Nothing.
   * @throws RangeError when the range is not RAM.
   * @remarks Context: any. Hot path: allocates only a chunk on its first write.
   */
  write(addr: number, bytes: Uint8Array): void {
    const len = bytes.length;
    this.check('write', addr, len);
    this.writes++;
    this.bytesWritten += len;
    if (!this.store) return;
    const size = this.chunkBytes;
    let off = 0;
    while (off < len) {
      const a = addr + off;
      const ci = Math.floor(a / size);
      const co = a - ci * size;
      const n = Math.min(len - off, size - co);
      const chunk = this.chunk(ci);
      chunk.set(n === len ? bytes : bytes.subarray(off, off + n), co);
      off += n;
    }
  }

  /**
   * Set every byte of a range to one value (memset).
   *
   * @param addr - Physical address.
   * @param len - Bytes, >= 0.
   * @param value - Byte value 0..255.
   * @returns Nothing.
   * @throws RangeError when the range is not RAM or value is not a byte.
   * @remarks Context: any. Filling never-written memory with 0 allocates nothing.
   */
  fill(addr: number, len: number, value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new RangeError(`Cannot fill memory with ${value}: expected a byte 0..255`);
    this.check('fill', addr, len);
    this.writes++;
    this.bytesWritten += len;
    if (!this.store) return;
    const size = this.chunkBytes;
    let off = 0;
    while (off < len) {
      const a = addr + off;
      const ci = Math.floor(a / size);
      const co = a - ci * size;
      const n = Math.min(len - off, size - co);
      const existing = this.chunks.get(ci);
      if (existing !== undefined) existing.fill(value, co, co + n);
      else if (value !== 0) this.chunk(ci).fill(value, co, co + n);
      off += n;
    }
  }

  /**
   * Copy len bytes from src to dst with memmove semantics (overlap allowed).
   *
   * @param dst - Destination physical address.
   * @param src - Source physical address.
   * @param len - Bytes, >= 0.
   * @returns Nothing.
   * @throws RangeError when either range is not RAM.
   * @remarks Context: any. Hot path: at most two chunk pieces per chunk crossed, no per-byte work in JS.
   */
  copy(dst: number, src: number, len: number): void {
    this.check('copy to', dst, len);
    this.check('copy from', src, len);
    this.copies++;
    this.bytesCopied += len;
    if (!this.store || len === 0 || dst === src) return;
    this.move(dst, src, len);
  }

  /** The byte-mode part of copy(): move chunk pieces, memmove-safe (kept apart so copy() stays small enough to inline). */
  private move(dst: number, src: number, len: number): void {
    const size = this.chunkBytes;
    if (dst > src && dst < src + len) {
      // Backwards, highest piece first, so no source byte is overwritten before it is read.
      let end = len;
      while (end > 0) {
        const s = src + end;
        const d = dst + end;
        const sc = Math.floor((s - 1) / size);
        const dc = Math.floor((d - 1) / size);
        const sEnd = s - sc * size;
        const dEnd = d - dc * size;
        const n = Math.min(end, sEnd, dEnd);
        this.piece(dc, dEnd - n, sc, sEnd - n, n);
        end -= n;
      }
    } else {
      let off = 0;
      while (off < len) {
        const s = src + off;
        const d = dst + off;
        const sc = Math.floor(s / size);
        const dc = Math.floor(d / size);
        const so = s - sc * size;
        const dOff = d - dc * size;
        const n = Math.min(len - off, size - so, size - dOff);
        this.piece(dc, dOff, sc, so, n);
        off += n;
      }
    }
  }

  /**
   * CRC-32 (zlib's) of a range, to compare buffers without reading them out.
   *
   * @param addr - Physical address.
   * @param len - Bytes, >= 0.
   * @returns The unsigned 32-bit CRC (0 for an empty range); identical in both modes for never-written memory.
   * @throws RangeError when the range is not RAM.
   * @remarks Context: any. No allocation beyond chunk views.
   */
  checksum(addr: number, len: number): number {
    this.check('checksum', addr, len);
    this.reads++;
    this.bytesRead += len;
    const size = this.chunkBytes;
    const zeros = this.zeros;
    let crc = 0;
    let off = 0;
    while (off < len) {
      const a = addr + off;
      const ci = Math.floor(a / size);
      const co = a - ci * size;
      const n = Math.min(len - off, size - co, this.store ? size : zeros.length);
      const chunk = this.store ? this.chunks.get(ci) : undefined;
      crc = crc32(chunk !== undefined ? chunk.subarray(co, co + n) : zeros.subarray(0, n), crc);
      off += n;
    }
    return crc;
  }

  /**
   * Snapshot the counters.
   *
   * @returns A plain, JSON-serialisable object.
   * @remarks Context: any.
   */
  counters(): MemoryCounters {
    return {
      mode: this.mode,
      bytesCopied: this.bytesCopied,
      copies: this.copies,
      bytesWritten: this.bytesWritten,
      writes: this.writes,
      bytesRead: this.bytesRead,
      reads: this.reads,
      chunksAllocated: this.chunks.size,
    };
  }

  /**
   * The RAM ranges [lo, hi) of the last two checked accesses that missed (a
   * two-entry cache: a bounce copies between a buffer and a pool that may sit
   * in different ranges, e.g. below and above the 4 GiB hole).
   */
  private lastLo = 0;
  private lastHi = 0;
  private prevLo = 0;
  private prevHi = 0;

  private check(what: string, addr: number, len: number): void {
    if (Math.floor(addr) === addr && Math.floor(len) === len && len >= 0) {
      const end = addr + len;
      if ((addr >= this.lastLo && end <= this.lastHi) || (addr >= this.prevLo && end <= this.prevHi)) return;
    }
    this.checkSlow(what, addr, len);
  }

  /** The uncached part of check(): look the range up in the address map and remember it. */
  private checkSlow(what: string, addr: number, len: number): void {
    if (len === 0 && Number.isSafeInteger(addr) && addr >= 0) return;
    if (Math.floor(addr) !== addr || Math.floor(len) !== len || !this.map.isRam(addr, len)) {
      throw new RangeError(`Cannot ${what} ${len} bytes at ${hex(addr)}: [${hex(addr)}-${hex(addr + len)}) is not RAM`);
    }
    const r = this.map.ramRangeOf(addr);
    if (r !== null) {
      this.prevLo = this.lastLo;
      this.prevHi = this.lastHi;
      this.lastLo = r.start;
      this.lastHi = r.end;
    }
  }

  private chunk(ci: number): Uint8Array {
    let c = this.chunks.get(ci);
    if (c === undefined) {
      c = new Uint8Array(this.chunkBytes);
      this.chunks.set(ci, c);
    }
    return c;
  }

  private gather(addr: number, out: Uint8Array): void {
    const size = this.chunkBytes;
    const len = out.length;
    let off = 0;
    while (off < len) {
      const a = addr + off;
      const ci = Math.floor(a / size);
      const co = a - ci * size;
      const n = Math.min(len - off, size - co);
      const chunk = this.chunks.get(ci);
      if (chunk === undefined) out.fill(0, off, off + n);
      else out.set(chunk.subarray(co, co + n), off);
      off += n;
    }
  }

  private piece(dc: number, dOff: number, sc: number, so: number, n: number): void {
    const from = this.chunks.get(sc);
    if (from === undefined) {
      this.chunks.get(dc)?.fill(0, dOff, dOff + n);
      return;
    }
    if (sc === dc) from.copyWithin(dOff, so, so + n);
    else this.chunk(dc).set(from.subarray(so, so + n), dOff);
  }
}
