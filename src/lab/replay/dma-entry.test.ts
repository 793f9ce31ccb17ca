import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DmaEntryTranslator, RET_UNDONE } from './dma-entry.js';
import { parseTraceLine } from '../trace/parse-line.js';
import type { TraceEvent } from '../trace/trace-event.js';

/** Parse trace lines (`<cpu> <flags> <event>: <body>`) into events. */
function events(lines: string[]): TraceEvent[] {
  return lines.map((l, i) => {
    const [cpu, flags, ...rest] = l.split(' ');
    const r = parseTraceLine(`  dd-280  [00${cpu}] ${flags}  ${i + 1}: ${rest.join(' ')}`, i + 1, 't');
    assert.equal(r.type, 'event', l);
    return (r as { event: TraceEvent }).event;
  });
}

/** What the translator sends on, as `kind line` (and the result of a return). */
function run(lines: string[]): string[] {
  const t = new DmaEntryTranslator(new Map());
  const out: TraceEvent[] = [];
  for (const ev of events(lines)) t.feed(ev, out);
  t.finish(out);
  return out.filter((e) => e.kind !== 'swiotlb_bounced').map((e) => (e.kind === 'map_single_ret' ? `ret ${e.line} ${e.ret >= 0 ? `0x${e.ret.toString(16)}` : e.ret}` : `${e.kind} ${e.line}`));
}

const B = (addr: string, size = 4096): string => `swiotlb_bounced: dev_name: 0000:00:02.0 dma_mask=ffffffffffffffff dev_addr=${addr} size=${size} FORCE`;
const MAP = (phys: string, dma: string, size = 4096): string => `dma_map_page: 0000:00:02.0 dir=FROM_DEVICE dma_addr=${dma} size=${size} phys_addr=${phys} attrs=`;

test('a bounce event opens a map and its dma_map_page closes it; a map that did not bounce only counts', () => {
  assert.deepEqual(run([`0 ..... ${B('1000')}`, `0 ..... ${MAP('1000', '7d100000')}`, `0 ..... ${MAP('2000', '2000')}`]), ['map_single 1', 'ret 2 0x7d100000']);
});

test('an interrupt map inside another map on the CPU is held until it closes, then both close in order', () => {
  assert.deepEqual(run([`0 ..... ${B('1000')}`, `0 d.h1. ${B('5000')}`, `0 d.h1. ${MAP('5000', '7d101000')}`, `0 ..... ${MAP('1000', '7d100000')}`]), [
    'map_single 1',
    'map_single 2',
    'ret 3 0x7d101000',
    'ret 4 0x7d100000',
  ]);
});

test('a scatterlist: each segment closes before the next opens (results come with the dma_map_sg event)', () => {
  const sg = 'dma_map_sg: 0000:00:02.0 dir=FROM_DEVICE nents=2/2 ents=2/2 dma_addrs={0x7d100000,0x7d102000} sizes={0x1000,0x1000} phys_addrs={0x1000,0x3000} attrs=';
  assert.deepEqual(run([`0 ..... ${B('1000')}`, `0 ..... ${B('3000')}`, `0 ..... ${sg}`]), ['map_single 1', 'ret 3 0x7d100000', 'map_single 2', 'ret 3 0x7d102000']);
});

test('a call that ended with no result (full pool): the next task-context call on the CPU fails its last map and undoes the others', () => {
  assert.deepEqual(run([`0 ..... ${B('1000')}`, `0 ..... ${B('3000')}`, `0 ..... ${B('9000')}`, `0 ..... ${MAP('9000', '7d100000')}`]), [
    'map_single 1',
    `ret 4 ${RET_UNDONE}`,
    'map_single 2',
    'ret 4 -1',
    'map_single 3',
    'ret 4 0x7d100000',
  ]);
  // In an interrupt, the open maps may still be in progress: nothing is taken as ended.
  assert.deepEqual(run([`0 ..... ${B('1000')}`, `0 d.h1. ${B('9000')}`, `0 d.h1. ${MAP('9000', '7d100000')}`]), ['map_single 1', 'map_single 2', 'ret 3 0x7d100000']);
});

test('kprobe traces pass through untouched: their swiotlb_bounced events stay bounce events', () => {
  const t = new DmaEntryTranslator(new Map());
  const out: TraceEvent[] = [];
  const evs = events([`0 ..Zff ${B('1000')}`, '0 ..Zff map_single_ret: (swiotlb_map+0x6f/0x260) ret=0x7d100000']);
  for (const ev of evs) t.feed(ev, out);
  assert.deepEqual(out, evs);
  assert.equal(t.translating, false);
});
