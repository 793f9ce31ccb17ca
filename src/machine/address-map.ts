/**
 * The physical address map: where RAM is, where the holes are, and which zone
 * (ZONE_DMA, ZONE_DMA32, ZONE_NORMAL) each address belongs to.
 *
 * RAM is laid out from address 0 upwards and skips the holes, the way
 * firmware reports an 8 GiB machine as 3 GiB below the PCI hole and 5 GiB
 * above 4 GiB. A hole at address 0 models RAM that starts high (many Arm boards).
 *
 * @module
 */
import { InputError, hex } from '../util/errors.js';
import {
  DEFAULT_ZONE_DMA32_END,
  DEFAULT_ZONE_DMA_END,
  MAX_ORDER_BYTES,
  MAX_PHYS_ADDRESS,
  PAGE_SIZE,
} from './constants.js';

/** Zone index of ZONE_DMA. */
export const ZONE_DMA = 0;
/** Zone index of ZONE_DMA32. */
export const ZONE_DMA32 = 1;
/** Zone index of ZONE_NORMAL. */
export const ZONE_NORMAL = 2;
/** A zone index, lowest zone first. */
export type ZoneId = 0 | 1 | 2;
/** Zone names as /proc/zoneinfo prints them, indexed by ZoneId. */
export const ZONE_NAMES: readonly ['DMA', 'DMA32', 'Normal'] = ['DMA', 'DMA32', 'Normal'];

/** A half-open physical address range [start, end). */
export interface MemRange {
  readonly start: number;
  readonly end: number;
}

/** A range of non-RAM addresses (e.g. the PCI hole below 4 GiB). */
export interface HoleOptions {
  /** First address of the hole; page aligned. */
  start: number;
  /** Size in bytes; a positive multiple of PAGE_SIZE. */
  size: number;
}

/** What describes the address map. */
export interface AddressMapOptions {
  /** Bytes of RAM; a positive multiple of PAGE_SIZE. */
  ramBytes: number;
  /** Non-RAM ranges that RAM is placed around; default none. */
  holes?: readonly HoleOptions[];
  /** Exclusive end of ZONE_DMA; default 16 MiB; 0 means no ZONE_DMA. Multiple of 4 MiB. */
  zoneDmaEnd?: number;
  /** Exclusive end of ZONE_DMA32; default 4 GiB; equal to zoneDmaEnd means no ZONE_DMA32. Multiple of 4 MiB. */
  zoneDma32End?: number;
}

const bad = (msg: string): never => {
  throw new InputError('bad_address_map', `Cannot create address map: ${msg}`);
};

function checkPageMultiple(what: string, value: number, positive: boolean): void {
  if (!Number.isSafeInteger(value) || value < (positive ? 1 : 0) || value % PAGE_SIZE !== 0) {
    bad(`${what} must be a ${positive ? 'positive' : 'non-negative'} multiple of ${PAGE_SIZE}: current value is ${value}`);
  }
}

/** The physical address map of one machine. Immutable. */
export class AddressMap {
  /** Bytes of RAM. */
  readonly ramBytes: number;
  /** RAM ranges, sorted, merged, never adjacent. */
  readonly ranges: readonly MemRange[];
  /** Holes as given, sorted by start. */
  readonly holes: readonly MemRange[];
  /** Exclusive end address of the RAM that ends highest. */
  readonly ramEnd: number;
  /** Last RAM byte (inclusive), as memblock_end_of_DRAM() - 1. */
  readonly highestRamAddress: number;
  /** Exclusive end of each zone, indexed by ZoneId (ZONE_NORMAL ends at ramEnd or later). */
  readonly zoneEnds: readonly [number, number, number];
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly perZone: readonly (readonly MemRange[])[];

  /**
   * Build and validate an address map; prefer createAddressMap().
   *
   * @param options - RAM size, holes and zone limits.
   * @remarks Context: any.
   */
  constructor(options: AddressMapOptions) {
    checkPageMultiple('ramBytes', options.ramBytes, true);
    const dmaEnd = options.zoneDmaEnd ?? DEFAULT_ZONE_DMA_END;
    const dma32End = options.zoneDma32End ?? DEFAULT_ZONE_DMA32_END;
    for (const [what, v] of [['zoneDmaEnd', dmaEnd], ['zoneDma32End', dma32End]] as const) {
      if (!Number.isSafeInteger(v) || v < 0 || v % MAX_ORDER_BYTES !== 0 || v > MAX_PHYS_ADDRESS) {
        bad(`${what} must be a multiple of ${MAX_ORDER_BYTES} (4 MiB) up to ${hex(MAX_PHYS_ADDRESS)}: current value is ${v}`);
      }
    }
    if (dmaEnd > dma32End) bad(`zoneDmaEnd (${hex(dmaEnd)}) is above zoneDma32End (${hex(dma32End)})`);
    const holes = (options.holes ?? []).map((h, i) => {
      checkPageMultiple(`holes[${i}].start`, h.start, false);
      checkPageMultiple(`holes[${i}].size`, h.size, true);
      return { start: h.start, end: h.start + h.size };
    });
    holes.sort((a, b) => a.start - b.start);
    for (let i = 1; i < holes.length; i++) {
      const prev = holes[i - 1]!;
      const cur = holes[i]!;
      if (cur.start < prev.end) bad(`holes [${hex(prev.start)}-${hex(prev.end)}) and [${hex(cur.start)}-${hex(cur.end)}) overlap`);
    }
    // Lay RAM out from 0 upwards around the holes.
    const ranges: MemRange[] = [];
    let left = options.ramBytes;
    let cursor = 0;
    for (const h of holes) {
      if (left === 0) break;
      if (h.start > cursor) {
        const n = Math.min(left, h.start - cursor);
        ranges.push({ start: cursor, end: cursor + n });
        left -= n;
      }
      cursor = Math.max(cursor, h.end);
    }
    if (left > 0) ranges.push({ start: cursor, end: cursor + left });
    const last = ranges[ranges.length - 1]!;
    if (last.end > MAX_PHYS_ADDRESS) {
      bad(`RAM would end at ${hex(last.end)}, above the model's limit ${hex(MAX_PHYS_ADDRESS)} (1 TiB)`);
    }
    this.ramBytes = options.ramBytes;
    this.ranges = Object.freeze(ranges.map((r) => Object.freeze(r)));
    this.holes = Object.freeze(holes.map((h) => Object.freeze(h)));
    this.ramEnd = last.end;
    this.highestRamAddress = last.end - 1;
    this.zoneEnds = [dmaEnd, dma32End, Math.max(dma32End, last.end)];
    this.starts = Float64Array.from(ranges, (r) => r.start);
    this.ends = Float64Array.from(ranges, (r) => r.end);
    this.perZone = [0, 1, 2].map((z) => {
      const lo = this.zoneStart(z as ZoneId);
      const hi = this.zoneEnds[z]!;
      const out: MemRange[] = [];
      for (const r of ranges) {
        const s = Math.max(r.start, lo);
        const e = Math.min(r.end, hi);
        if (s < e) out.push(Object.freeze({ start: s, end: e }));
      }
      return Object.freeze(out);
    });
  }

  /**
   * First address of a zone.
   *
   * @param zone - Zone index.
   * @returns 0 for ZONE_DMA, else the end of the zone below.
   * @remarks Context: any.
   */
  zoneStart(zone: ZoneId): number {
    return zone === ZONE_DMA ? 0 : this.zoneEnds[zone - 1]!;
  }

  /**
   * The zone an address belongs to (whether or not it is RAM).
   *
   * @param addr - Physical address.
   * @returns ZONE_DMA, ZONE_DMA32 or ZONE_NORMAL.
   * @remarks Context: any. Hot path: two comparisons.
   */
  zoneOf(addr: number): ZoneId {
    if (addr < this.zoneEnds[0]) return ZONE_DMA;
    if (addr < this.zoneEnds[1]) return ZONE_DMA32;
    return ZONE_NORMAL;
  }

  /**
   * Whether [addr, addr + len) lies entirely inside one RAM range.
   *
   * @param addr - Physical address.
   * @param len - Length in bytes, >= 0; a zero length asks whether addr itself is RAM.
   * @returns true when every byte is RAM.
   * @remarks Context: any. Hot path: no allocation.
   */
  /**
   * The RAM range holding an address.
   *
   * @param addr - Physical address.
   * @returns The range, or null when addr is not RAM.
   * @remarks Context: any.
   */
  ramRangeOf(addr: number): MemRange | null {
    const starts = this.starts;
    const ends = this.ends;
    for (let i = 0; i < starts.length; i++) {
      if (addr < ends[i]!) return addr >= starts[i]! ? { start: starts[i]!, end: ends[i]! } : null;
    }
    return null;
  }

  isRam(addr: number, len: number): boolean {
    const starts = this.starts;
    const ends = this.ends;
    for (let i = 0; i < starts.length; i++) {
      const e = ends[i]!;
      if (addr < e) return addr >= starts[i]! && addr + len <= e && len >= 0;
    }
    return false;
  }

  /**
   * RAM ranges inside one zone.
   *
   * @param zone - Zone index.
   * @returns The zone's RAM ranges, sorted; empty when the zone has no RAM.
   * @remarks Context: any.
   */
  ramRanges(zone: ZoneId): readonly MemRange[] {
    return this.perZone[zone]!;
  }

  /**
   * Bytes of RAM inside one zone.
   *
   * @param zone - Zone index.
   * @returns The sum of the zone's RAM range lengths.
   * @remarks Context: any.
   */
  zoneRamBytes(zone: ZoneId): number {
    let n = 0;
    for (const r of this.perZone[zone]!) n += r.end - r.start;
    return n;
  }
}

/**
 * Create the physical address map of a machine.
 *
 * @param options - RAM size, holes and zone limits.
 * @returns The validated, immutable map.
 * @throws InputError (code `bad_address_map`) when a size or address is not a page
 *   multiple, holes overlap, zone limits are unordered or not 4 MiB multiples, or
 *   RAM would end above 1 TiB.
 * @remarks Context: any.
 */
export function createAddressMap(options: AddressMapOptions): AddressMap {
  return new AddressMap(options);
}
