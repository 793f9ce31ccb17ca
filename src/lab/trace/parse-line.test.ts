import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../util/errors.js';
import { PARSED_EVENT_KINDS, parseTraceLine } from './parse-line.js';
import { TRACE_EVENT_KINDS } from './trace-event.js';

const RET = 'map_single_ret: (swiotlb_tbl_map_single+0x18e/0x6c0) ret=0x7d140000';

/** The header columns of a line that must be an event. */
function head(line: string): { task: string; pid: number; cpu: number; ts: number; kind: string } {
  const r = parseTraceLine(line, 1);
  if (r.type !== 'event') throw new Error(`not an event: ${r.type}`);
  const { task, pid, cpu, ts, kind } = r.event;
  return { task, pid, cpu, ts, kind };
}

test('parseTraceLine reads the ftrace columns, with and without the flags column', () => {
  assert.deepEqual(head(`              dd-148     [001] d.Z..         3997: ${RET}`), { task: 'dd', pid: 148, cpu: 1, ts: 3997, kind: 'map_single_ret' });
  assert.deepEqual(head(`dd-148 [003] 3997: ${RET}`), { task: 'dd', pid: 148, cpu: 3, ts: 3997, kind: 'map_single_ret' });
  assert.deepEqual(head(`  <...>-77 [000] dNh2. 12.5: ${RET}`), { task: '<...>', pid: 77, cpu: 0, ts: 12.5, kind: 'map_single_ret' });
});

test('parseTraceLine takes the pid after the last dash: task names may hold spaces and dashes', () => {
  assert.deepEqual(head(`  Web Content-1234 [001] ..... 5: ${RET}`).task, 'Web Content');
  const t = head(`my-task-name x-42   [000] ..... 6: ${RET}`);
  assert.deepEqual([t.task, t.pid], ['my-task-name x', 42]);
  assert.deepEqual(head(`  irq/24-nvme0q1-301 [001] ..... 6: ${RET}`).task, 'irq/24-nvme0q1');
});

test('parseTraceLine skips the record-tgid column', () => {
  assert.deepEqual(head(`              dd-148     (    148) [001] d.Z..  3997: ${RET}`), { task: 'dd', pid: 148, cpu: 1, ts: 3997, kind: 'map_single_ret' });
  assert.deepEqual(head(`          <idle>-0       (-------) [000] d.Z..  3998: ${RET}`).pid, 0);
});

test('parseTraceLine reads trace-cmd report lines and headers', () => {
  assert.deepEqual(parseTraceLine('cpus=2', 1), { type: 'comment' });
  assert.deepEqual(parseTraceLine('version = 6', 2), { type: 'comment' });
  assert.deepEqual(parseTraceLine('CPU 1 is empty', 3), { type: 'comment' });
  const line = '              dd-150   [001]  4401.123456: map_single:           (swiotlb_tbl_map_single+0x5/0x6c0) dev=0xffff8880051d60d0 orig=0x7c853000 msz=262144 asz=262144 amask=0x0 dir=1 attrs=0x0 name="0000:00:02.0" minalign=0x0 segbnd=0xffffffff mem=0xffffffff83fd4400';
  const r = parseTraceLine(line, 4);
  assert.ok(r.type === 'event' && r.event.kind === 'map_single');
  assert.deepEqual([r.event.task, r.event.pid, r.event.cpu, r.event.ts, r.event.msz, r.event.dir], ['dd', 150, 1, 4401.123456, 262144, 1]);
  assert.deepEqual(head(`  bash-9 [000] d..1  88.000001: print:                tracing_mark_write: hello world`), { task: 'bash', pid: 9, cpu: 0, ts: 88.000001, kind: 'tracing_mark_write' });
});

test('parseTraceLine classifies comments, blanks, LOST lines and unknown events', () => {
  assert.deepEqual(parseTraceLine('# tracer: nop', 1), { type: 'comment' });
  assert.deepEqual(parseTraceLine('##### CPU 1 buffer started ####', 1), { type: 'comment' });
  assert.deepEqual(parseTraceLine('', 1), { type: 'blank' });
  assert.deepEqual(parseTraceLine('   \r', 1), { type: 'blank' });
  assert.deepEqual(parseTraceLine('CPU:1 [LOST 123 EVENTS]', 1), { type: 'lost', cpu: 1, count: 123 });
  assert.deepEqual(parseTraceLine('CPU:0 [LOST EVENTS]', 1), { type: 'lost', cpu: 0, count: null });
  assert.deepEqual(parseTraceLine('CPU: 3 [5 EVENTS DROPPED]', 1), { type: 'lost', cpu: 3, count: 5 });
  assert.deepEqual(parseTraceLine('  bash-9 [000] ..... 5: sched_switch: prev_comm=bash prev_pid=9', 1), { type: 'unknown', name: 'sched_switch' });
  assert.deepEqual(parseTraceLine('  bash-9 [000] ..... 5: map_singlex: a=1', 1), { type: 'unknown', name: 'map_singlex' });
});

test('parseTraceLine ignores a trailing CR', () => {
  const r = parseTraceLine(`  dd-1 [000] ..... 5: ${RET}\r`, 1);
  assert.ok(r.type === 'event' && r.event.kind === 'map_single_ret' && r.event.ret === 0x7d140000);
});

test('parseTraceLine throws an InputError naming file and line for malformed lines', () => {
  const cases: [string, string, RegExp][] = [
    ['    kworker/u4:0-9       [000] d.Z..           21: map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 slot=abc nslots=2 aindex=2 aused=2', 'bad_number', /slot.*abc/],
    ['    kworker/u4:0-9       [000] d.Z..           21: map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 nslots=2 aindex=2 aused=2', 'missing_field', /'slot'/],
    ['    kworker/u4:0-9       [000] d.Z..           21: map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 slot=0 nsl', 'missing_field', /nslots/],
    ['    kworker/u4:0-9       [000] d.Z..           21: map_fo', 'bad_line', /event/],
    ['    kworker/u4:0-9       [000] d.Z..      ', 'bad_line', /timestamp/],
    ['    kworker/u4:0-9  ', 'bad_line', /task/],
    ['    kworker/u4:0-9       [000] d.Z..           21: map_single_ret: (swiotlb_tbl_map_sin', 'bad_line', /\)/],
    ['    kworker/u4:0 [000] d.Z.. 21: map_single_ret: (x) ret=0x1', 'bad_line', /pid/],
    ['    kworker/u4:0-9 [000] d.Z.. 2x1: map_single_ret: (x) ret=0x1', 'bad_line', /timestamp/],
    ['  a-1 [000] ..... 9: swiotlb_bounced: dev_name: d dma_mask=ff dev_addr=10 size=8', 'missing_field', /FORCE/],
  ];
  for (const [line, code, what] of cases) {
    assert.throws(() => parseTraceLine(line, 42, 'trace.txt'), (e: unknown) => {
      assert.ok(e instanceof InputError, line);
      assert.equal(e.code, code, line);
      assert.equal(e.line, 42);
      assert.match(e.message, /^trace\.txt:42: /);
      assert.match(e.message, what);
      return true;
    });
  }
});

test('PARSED_EVENT_KINDS covers exactly TRACE_EVENT_KINDS', () => {
  assert.deepEqual(new Set(PARSED_EVENT_KINDS), new Set(TRACE_EVENT_KINDS));
  for (const kind of TRACE_EVENT_KINDS) {
    if (kind === 'tracing_mark_write' || kind.startsWith('dma_')) continue;
    // A known event without its fields is malformed, never unknown.
    let type = 'error';
    try {
      type = parseTraceLine(`  a-1 [000] ..... 1: ${kind}: (x)`, 1).type;
    } catch (e) {
      assert.ok(e instanceof InputError && e.code === 'missing_field', kind);
    }
    assert.notEqual(type, 'unknown', kind);
  }
});
