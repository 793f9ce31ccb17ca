/**
 * The field grammar of every event the trace reader knows (the oracle's
 * kprobes, swiotlb_bounced, trace markers, the 6.12+ `dma:*` events), and
 * values for each field type: right, of the wrong type, or on an edge.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { digitRun, notANumber, numberText, randomText } from './strings.js';

/** How a field's value is printed. */
export type FieldType = 'int' | 'hex' | 'ptr' | 'str' | 'bare' | 'dir' | 'attrs' | 'array' | 'count' | 'word';

/** One event: name, whether the body starts with a probe address or a device name, and its fields in print order. */
export interface EventShape {
  readonly name: string;
  readonly prefix: 'probe' | 'device' | 'dev_name' | 'text' | 'none';
  readonly fields: readonly (readonly [string, FieldType])[];
}

const PROBE = ['(swiotlb_tbl_map_single+0x5/0x6c0)', '(swiotlb_tbl_map_single+0x579/0x6c0)', '(x)', '()', '(a+1/2 <- b)', '(', '(unterminated', ''];
const DIRS = ['BIDIRECTIONAL', 'TO_DEVICE', 'FROM_DEVICE', 'NONE', '0x2', '7', 'SIDEWAYS', '', '-1'];
const ATTRS = ['', 'SKIP_CPU_SYNC', 'NO_WARN|SKIP_CPU_SYNC', 'MMIO', 'SKIP_CPU_SYNC|0x8000', '0xffffffffffffffff', '|', 'BOGUS', 'NO_WARN|', '0x1fffffffffffff'];
const NAMES = ['"0000:00:02.0"', '"0000:00:04.0"', '(fault)', '""', '"a b"', '"quote\\"inside"', '"unterminated', '"x" y="', '"\\\\"', 'noquotes'];

const map = (n: string): EventShape => ({ name: n, prefix: 'device', fields: [['dir', 'dir'], ['dma_addr', 'bare'], ['size', 'int'], ['phys_addr', 'bare'], ['attrs', 'attrs']] });
const unmap = (n: string): EventShape => ({ name: n, prefix: 'device', fields: [['dir', 'dir'], ['dma_addr', 'bare'], ['size', 'int'], ['attrs', 'attrs']] });
const alloc = (n: string): EventShape => ({ name: n, prefix: 'device', fields: [['dir', 'dir'], ['dma_addr', 'bare'], ['size', 'int'], ['phys_addr', 'bare'], ['virt_addr', 'word'], ['phys_addrs', 'array'], ['flags', 'word'], ['attrs', 'attrs']] });
const sync = (n: string, sg: boolean): EventShape => ({ name: n, prefix: 'device', fields: sg ? [['dir', 'dir'], ['dma_addrs', 'array'], ['sizes', 'array']] : [['dir', 'dir'], ['dma_addr', 'bare'], ['size', 'int']] });

/** Every event shape. */
export const EVENT_SHAPES: readonly EventShape[] = [
  { name: 'map_single', prefix: 'probe', fields: [['dev', 'ptr'], ['orig', 'hex'], ['msz', 'int'], ['asz', 'int'], ['amask', 'hex'], ['dir', 'int'], ['attrs', 'hex'], ['name', 'str'], ['minalign', 'hex'], ['segbnd', 'hex'], ['mem', 'ptr']] },
  { name: 'map_area_full', prefix: 'probe', fields: [['area', 'int'], ['nslots', 'int'], ['aindex', 'int'], ['aused', 'int']] },
  { name: 'map_found', prefix: 'probe', fields: [['area', 'int'], ['slot', 'int'], ['nslots', 'int'], ['aindex', 'int'], ['aused', 'int']] },
  { name: 'map_single_ret', prefix: 'probe', fields: [['ret', 'hex']] },
  { name: 'unmap_single', prefix: 'probe', fields: [['dev', 'ptr'], ['tlb', 'hex'], ['msz', 'int'], ['dir', 'int'], ['attrs', 'hex'], ['name', 'str'], ['minalign', 'hex']] },
  { name: 'unmap_release', prefix: 'probe', fields: [['slot', 'int'], ['nslots', 'int'], ['aindex', 'int'], ['aused', 'int']] },
  { name: 'unmap_single_ret', prefix: 'probe', fields: [] },
  { name: 'sync_for_cpu', prefix: 'probe', fields: [['dev', 'ptr'], ['tlb', 'hex'], ['size', 'int'], ['dir', 'int'], ['name', 'str']] },
  { name: 'sync_for_device', prefix: 'probe', fields: [['dev', 'ptr'], ['tlb', 'hex'], ['size', 'int'], ['dir', 'int'], ['name', 'str']] },
  { name: 'pool', prefix: 'probe', fields: [['start', 'hex'], ['end', 'hex'], ['nslabs', 'int'], ['nareas', 'int'], ['area_nslabs', 'int'], ['force', 'int'], ['a0_used', 'int'], ['a0_index', 'int'], ['a1_used', 'int'], ['a1_index', 'int']] },
  { name: 'swiotlb_bounced', prefix: 'dev_name', fields: [['dma_mask', 'bare'], ['dev_addr', 'bare'], ['size', 'int']] },
  { name: 'tracing_mark_write', prefix: 'text', fields: [] },
  { name: 'print', prefix: 'text', fields: [] },
  map('dma_map_page'), map('dma_map_resource'), map('dma_map_phys'),
  unmap('dma_unmap_page'), unmap('dma_unmap_resource'), unmap('dma_unmap_phys'),
  alloc('dma_alloc'), alloc('dma_alloc_pages'), alloc('dma_alloc_sgt'), alloc('dma_alloc_sgt_err'),
  alloc('dma_free'), alloc('dma_free_pages'), alloc('dma_free_sgt'),
  { name: 'dma_map_sg', prefix: 'device', fields: [['dir', 'dir'], ['nents', 'count'], ['ents', 'count'], ['dma_addrs', 'array'], ['sizes', 'array'], ['phys_addrs', 'array'], ['attrs', 'attrs']] },
  { name: 'dma_map_sg_err', prefix: 'device', fields: [['dir', 'dir'], ['dma_addrs', 'array'], ['err', 'int'], ['attrs', 'attrs']] },
  { name: 'dma_unmap_sg', prefix: 'device', fields: [['dir', 'dir'], ['phys_addrs', 'array'], ['attrs', 'attrs']] },
  sync('dma_sync_single_for_cpu', false), sync('dma_sync_single_for_device', false),
  sync('dma_sync_sg_for_cpu', true), sync('dma_sync_sg_for_device', true),
];

function arrayValue(rng: Rng): string {
  const n = rng.weighted([[3, rng.range(0, 3)], [1, rng.range(4, 200)]]);
  const items = Array.from({ length: n }, () => (rng.bool(0.85) ? `0x${rng.int(2 ** 31).toString(16)}` : numberText(rng)));
  return rng.bool(0.9) ? `{${items.join(',')}}` : rng.pick([`{${items.join(',')}`, `${items.join(',')}}`, '{', '}', '{,}', '{0x1,,0x2}']);
}

/**
 * A well-formed value of a field type.
 *
 * @param rng - Case PRNG.
 * @param type - The field type.
 * @returns Value text.
 * @remarks Context: any.
 */
export function goodValue(rng: Rng, type: FieldType): string {
  switch (type) {
    case 'int': return String(rng.weighted([[5, rng.int(64)], [3, rng.int(1 << 16)], [1, rng.int(2 ** 31)]]));
    case 'hex': return `0x${rng.weighted([[4, rng.int(2 ** 31)], [1, rng.int(2 ** 16)], [1, 0]]).toString(16)}`;
    case 'ptr': return rng.pick(['0xffff88807dc9a0d0', '0xffffffff83fd4400', '0x0', '0xffff888004c10000']);
    case 'str': return rng.pick(NAMES.slice(0, 5));
    case 'bare': return rng.int(2 ** 31).toString(16);
    case 'dir': return rng.pick(DIRS.slice(0, 4));
    case 'attrs': return rng.pick(ATTRS.slice(0, 4));
    case 'array': return `{0x${rng.int(2 ** 31).toString(16)}}`;
    case 'count': return `${rng.int(200)}/${rng.int(200)}`;
    case 'word': return rng.pick(['GFP_KERNEL', 'GFP_KERNEL|__GFP_ZERO', '000000001c3a4f5e']);
  }
}

/**
 * A value of a field type that is wrong, odd or on an edge.
 *
 * @param rng - Case PRNG.
 * @param type - The field type.
 * @returns Value text.
 * @remarks Context: any.
 */
export function badValue(rng: Rng, type: FieldType): string {
  return rng.weighted<() => string>([
    [3, () => numberText(rng)],
    [2, () => notANumber(rng)],
    [2, () => goodValue(rng, rng.pick(['int', 'hex', 'str', 'dir', 'array', 'count', 'word'] as const))],
    [1, () => (type === 'str' ? rng.pick(NAMES) : type === 'dir' ? rng.pick(DIRS) : type === 'attrs' ? rng.pick(ATTRS) : `0x${digitRun(rng, '0123456789abcdef')}`)],
    [1, () => (type === 'array' ? arrayValue(rng) : type === 'count' ? rng.pick(['1/', '/1', '1/2/3', '-1/2', '1/-2', '9007199254740993/1', 'a/b']) : randomText(rng, 8))],
  ])();
}

/**
 * The text between the event name and the fields (probe address, device name, marker text).
 *
 * @param rng - Case PRNG.
 * @param shape - The event.
 * @returns The prefix (maybe empty), without a trailing space.
 * @remarks Context: any.
 */
export function bodyPrefix(rng: Rng, shape: EventShape): string {
  switch (shape.prefix) {
    case 'probe': return rng.bool(0.9) ? PROBE[0]! : rng.pick(PROBE);
    case 'device': return rng.bool(0.85) ? '0000:00:04.0' : rng.pick(['', 'my odd dev', 'dir=x', 'a=b c', randomText(rng, 6)]);
    case 'dev_name': return rng.bool(0.85) ? 'dev_name: 0000:00:02.0' : rng.pick(['dev_name:', 'dev_name: ', 'dev_name: a dma_mask=1', 'devname: x', 'dev_name: x y']);
    case 'text': return shape.name === 'print' && rng.bool(0.7) ? `tracing_mark_write: ${randomText(rng, 20)}` : randomText(rng, 30);
    case 'none': return '';
  }
}
