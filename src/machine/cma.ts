/**
 * Placement of the CMA (contiguous memory allocator) region at boot: a fixed
 * base, or the highest free 4 MiB-aligned range below a limit, as memblock
 * places `cma=` top-down. The region must be RAM inside a single zone (the
 * kernel refuses to activate a CMA area that spans zones).
 *
 * @module
 */
import { InputError, hex } from '../util/errors.js';
import type { AddressMap, ZoneId } from './address-map.js';
import { MAX_ORDER_BYTES, PAGE_SIZE } from './constants.js';
import { FreeArea } from './free-area.js';
import { carveRange, findTopDown } from './zone-ranges.js';

/** Where the CMA region goes. */
export interface CmaOptions {
  /** Bytes; a positive multiple of 4 MiB. */
  size: number;
  /** Fixed base (multiple of 4 MiB); default: placed top-down below limit, as memblock does. */
  base?: number;
  /** Exclusive bound on the region's end when placed top-down; default the end of RAM. */
  limit?: number;
}

/** A placed CMA region. */
export interface CmaRegion {
  /** The region's own free area. */
  readonly area: FreeArea;
  /** First address. */
  readonly base: number;
  /** Bytes. */
  readonly size: number;
  /** The zone that holds the region. */
  readonly zone: ZoneId;
}

/**
 * Place the CMA region and move its pages from the zones' free areas to its own.
 *
 * @param map - The address map.
 * @param zones - Zone free areas, lowest zone first; the region's pages are carved out of them.
 * @param c - Size and placement.
 * @returns The region.
 * @throws InputError (code `bad_cma`) when the size or base is not a 4 MiB multiple, the range is
 *   not RAM, no free range fits below the limit, or the range spans two zones.
 * @remarks Context: boot.
 */
export function placeCma(map: AddressMap, zones: readonly FreeArea[], c: CmaOptions): CmaRegion {
  const badCma = (msg: string): never => {
    throw new InputError('bad_cma', `Cannot place the CMA region: ${msg}`);
  };
  if (!Number.isSafeInteger(c.size) || c.size <= 0 || c.size % MAX_ORDER_BYTES !== 0) {
    badCma(`size must be a positive multiple of 4 MiB: current value is ${c.size}`);
  }
  let base: number;
  if (c.base !== undefined) {
    base = c.base;
    if (!Number.isSafeInteger(base) || base < 0 || base % MAX_ORDER_BYTES !== 0) {
      badCma(`base must be a multiple of 4 MiB: current value is ${hex(base)}`);
    }
    if (!map.isRam(base, c.size)) badCma(`[${hex(base)}-${hex(base + c.size)}) is not all RAM`);
  } else {
    const limit = c.limit ?? map.ramEnd;
    if (!Number.isSafeInteger(limit) || limit <= 0) badCma(`limit must be a positive integer: current value is ${limit}`);
    const top = Math.floor(Math.min(limit, map.ramEnd) / PAGE_SIZE);
    const pfn = findTopDown(zones, c.size / PAGE_SIZE, MAX_ORDER_BYTES / PAGE_SIZE, top);
    if (pfn < 0) badCma(`no free RAM range of ${c.size} bytes below ${hex(limit)}`);
    base = pfn * PAGE_SIZE;
  }
  const zone = map.zoneOf(base);
  if (map.zoneOf(base + c.size - 1) !== zone) badCma(`[${hex(base)}-${hex(base + c.size)}) spans two zones`);
  const start = base / PAGE_SIZE;
  const end = (base + c.size) / PAGE_SIZE;
  carveRange(zones, start, end);
  const area = new FreeArea(start, end);
  area.releaseRange(start, end);
  return { area, base, size: c.size, zone };
}
