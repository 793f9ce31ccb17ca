/**
 * Decoders for the value syntaxes of the `dma:*` events: symbolic
 * directions (`__print_symbolic`), `|`-joined attribute names
 * (`__print_flags`), `{0x..,0x..}` arrays (`__print_array`) and the 6.19+
 * `printed/full` counts.
 *
 * @module
 */
import {
  DMA_ATTR_ALLOC_SINGLE_PAGES,
  DMA_ATTR_FORCE_CONTIGUOUS,
  DMA_ATTR_NO_KERNEL_MAPPING,
  DMA_ATTR_NO_WARN,
  DMA_ATTR_PRIVILEGED,
  DMA_ATTR_SKIP_CPU_SYNC,
  DMA_ATTR_WEAK_ORDERING,
  DMA_ATTR_WRITE_COMBINE,
} from '../../swiotlb/constants.js';
import type { FieldReader } from './fields.js';
import { fieldKeys, wordBytes, type BytePattern, type FieldKey } from './keys.js';
import { scanInt, scanIntTo } from './numbers.js';
import { decode } from './strings.js';

/**
 * DMA_ATTR_* bits by the names dma.h prints. The ones the swiotlb layer does
 * not model yet (MMIO, 6.19; CACHELINES_OVERLAP, REQUIRE_COHERENT, 7.0;
 * CC_SHARED, later) are only named here, for reading traces.
 */
export const DMA_ATTR_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['WEAK_ORDERING', DMA_ATTR_WEAK_ORDERING],
  ['WRITE_COMBINE', DMA_ATTR_WRITE_COMBINE],
  ['NO_KERNEL_MAPPING', DMA_ATTR_NO_KERNEL_MAPPING],
  ['SKIP_CPU_SYNC', DMA_ATTR_SKIP_CPU_SYNC],
  ['FORCE_CONTIGUOUS', DMA_ATTR_FORCE_CONTIGUOUS],
  ['ALLOC_SINGLE_PAGES', DMA_ATTR_ALLOC_SINGLE_PAGES],
  ['NO_WARN', DMA_ATTR_NO_WARN],
  ['PRIVILEGED', DMA_ATTR_PRIVILEGED],
  ['MMIO', 1 << 10],
  ['CACHELINES_OVERLAP', 1 << 11],
  ['REQUIRE_COHERENT', 1 << 12],
  ['CC_SHARED', 1 << 13],
]);

/** enum dma_data_direction names as dma.h prints them, indexed by value. */
const DIR_NAMES: readonly BytePattern[] = ['BIDIRECTIONAL', 'TO_DEVICE', 'FROM_DEVICE', 'NONE'].map(wordBytes);

const K = fieldKeys('dir', 'attrs');

/**
 * A `dir=` field: a direction name, or the `0x..` __print_symbolic falls back to.
 *
 * @param r - Reader of the current line.
 * @returns 0..3 (or the raw number).
 * @throws InputError `missing_field` or `bad_field`.
 * @remarks Context: any; hot path.
 */
export function dmaDir(r: FieldReader): number {
  const s = r.range(K.dir);
  const e = r.valueEnd;
  for (let v = 0; v < DIR_NAMES.length; v++) {
    const name = DIR_NAMES[v]!;
    if (e - s === name.length && name.at(r.view, r.buf, s, e)) return v;
  }
  const v = scanInt(r.buf, s, e);
  if (!Number.isSafeInteger(v) || v < 0) r.badValue('dir', s, e, 'bad_field', 'BIDIRECTIONAL, TO_DEVICE, FROM_DEVICE or NONE');
  return v;
}

/**
 * An `attrs=` field: `|`-joined names, maybe a trailing `0x..` of unnamed bits; empty is 0.
 *
 * @param r - Reader of the current line.
 * @returns The DMA_ATTR_* bits.
 * @throws InputError `missing_field` or `bad_field` (unknown name).
 * @remarks Context: any.
 */
export function dmaAttrs(r: FieldReader): number {
  const s = r.range(K.attrs);
  const e = r.valueEnd;
  if (s === e) return 0;
  let bits = 0;
  for (const part of decode(r.buf, s, e).split('|')) {
    const v = DMA_ATTR_BY_NAME.get(part) ?? (/^0x[0-9a-f]{1,13}$/i.test(part) ? Number(part) : NaN);
    if (!Number.isSafeInteger(v) || v < 0) r.badValue('attrs', s, e, 'bad_field', `DMA attribute names joined by '|' (unknown '${part}')`);
    bits += v;
  }
  return bits;
}

/**
 * A `{0x..,0x..}` array field of addresses (all-ones is -1) or sizes.
 *
 * @param r - Reader of the current line.
 * @param key - Field key.
 * @returns A fresh array of the values.
 * @throws InputError `missing_field`, `bad_field` or `address_too_large`.
 * @remarks Context: any.
 */
export function dmaArray(r: FieldReader, key: FieldKey): number[] {
  const s = r.range(key);
  const e = r.valueEnd;
  const b = r.buf;
  if (e - s < 2 || b[s] !== 123 || b[e - 1] !== 125) r.badValue(key.name, s, e, 'bad_field', "an array '{0x..,0x..}'");
  const out: number[] = [];
  for (let p = s + 1; p < e - 1; ) {
    let c = p;
    while (c < e - 1 && b[c] !== 44) c++;
    const v = scanInt(b, p, c);
    if (Number.isNaN(v) || v < -1) r.badValue(key.name, s, e, 'bad_field', "an array of 0x-hex numbers '{0x..,0x..}'");
    if (v === Infinity) r.badValue(key.name, s, e, 'address_too_large', 'array values below 2^53 or all-ones');
    out.push(v);
    p = c + 1;
  }
  return out;
}

/**
 * A 6.19+ `nents=printed/full` or `ents=printed/full` count.
 *
 * @param r - Reader of the current line.
 * @param key - The `nents` or `ents` key.
 * @returns The full count, or null when the field is absent (before 6.19).
 * @throws InputError `bad_field` when present but malformed.
 * @remarks Context: any.
 */
export function dmaCount(r: FieldReader, key: FieldKey): number | null {
  if (!r.has(key)) return null;
  const s = r.range(key);
  const e = r.valueEnd;
  const b = r.buf;
  let slash = s;
  while (slash < e && b[slash] !== 47) slash++;
  const printed = slash > s && slash < e ? scanIntTo(b, s, slash) : NaN;
  const full = slash < e ? scanInt(b, slash + 1, e) : NaN;
  if (!Number.isSafeInteger(full) || !Number.isSafeInteger(printed) || full < 0) r.badValue(key.name, s, e, 'bad_field', "'printed/full' counts");
  return full;
}
