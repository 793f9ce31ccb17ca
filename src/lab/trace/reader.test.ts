import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../util/errors.js';
import { readTrace } from './reader.js';
import type { TraceEvent } from './trace-event.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/oracle/', import.meta.url));
const SMOKE = join(FIXTURES, 'nvme_smoke_smp2/trace.txt');
const SMOKE_COUNTS = {
  tracing_mark_write: 11, pool: 5, swiotlb_bounced: 54, map_single: 54, map_found: 54, map_single_ret: 54,
  sync_for_cpu: 54, unmap_single: 54, unmap_release: 54,
};

/** Read everything, keeping the events. */
async function collect(input: string | Readable, options: { file?: string; lenient?: boolean } = {}) {
  const events: TraceEvent[] = [];
  const stats = await readTrace(input, { ...options, onEvent: (e) => events.push(e) });
  return { events, stats };
}

/** A Readable of text split into chunks of `size` bytes. */
function chunked(text: string | Buffer, size: number): Readable {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

const LINE = (ts: number, body: string): string => `  dd-150 [001] d.Z.. ${ts}: ${body}`;
const RET = (ts: number): string => LINE(ts, 'map_single_ret: (swiotlb_tbl_map_single+0x18e/0x6c0) ret=0x7d140000');

test('readTrace counts the nvme_smoke events in the plain and the gzip fixture', async () => {
  for (const file of [SMOKE, `${SMOKE}.gz`]) {
    const { events, stats } = await collect(file);
    assert.deepEqual({ ...stats.eventsByKind }, SMOKE_COUNTS, file);
    assert.equal(stats.events, 394);
    assert.equal(events.length, 394);
    assert.equal(stats.lines, 406);
    assert.equal(stats.commentLines, 12);
    assert.equal(stats.gzip, file.endsWith('.gz'));
    assert.equal(stats.bytesRead, statSync(file).size);
    assert.equal(stats.textBytes, statSync(SMOKE).size);
    assert.equal(stats.file, file);
    assert.deepEqual([stats.unknownEvents, stats.lost.lines, stats.malformed.total], [0, 0, 0]);
  }
});

test('readTrace delivers the same events in order whatever the chunking, and events stay intact', async () => {
  const whole = await collect(SMOKE);
  const text = readFileSync(SMOKE);
  for (const size of [7, 4096]) {
    const { events } = await collect(chunked(text, size));
    assert.deepEqual(events, whole.events, `chunk size ${size}`);
  }
  // One byte at a time (plain and gzip, so the magic bytes arrive split too) over the first lines.
  const head = text.subarray(0, text.indexOf('\n', 4000) + 1);
  const expected = whole.events.filter((e) => e.line <= head.toString().split('\n').length - 1);
  assert.deepEqual((await collect(chunked(head, 1))).events, expected);
  assert.deepEqual((await collect(chunked(gzipSync(head), 1))).events, expected);
  assert.deepEqual(whole.events.map((e) => e.line).slice(0, 3), [13, 14, 15]);
  const first = whole.events[0]!;
  assert.deepEqual(first, { kind: 'tracing_mark_write', line: 13, cpu: 0, ts: 3, task: 'init', pid: 1, text: 'oracle: tracing on; clock=counter nareas=2' });
});

test('readTrace reads virtio_small8192: map_area_full events and failed maps returning -1', async () => {
  const failed: number[] = [];
  const stats = await readTrace(join(FIXTURES, 'virtio_small8192_smp2/trace.txt.gz'), {
    onEvent: (e) => {
      if (e.kind === 'map_single_ret' && e.ret === -1) failed.push(e.line);
    },
  });
  assert.equal(stats.eventsByKind.map_area_full, 160);
  assert.equal(stats.eventsByKind.map_single, 6597);
  assert.equal(failed.length, 33);
  assert.equal(stats.gzip, true);
});

test('readTrace detects gzip by its magic bytes, not by the name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trace-'));
  try {
    const text = readFileSync(SMOKE);
    writeFileSync(join(dir, 'plain.gz'), text);
    writeFileSync(join(dir, 'packed.txt'), gzipSync(text));
    const a = await collect(join(dir, 'plain.gz'));
    const b = await collect(join(dir, 'packed.txt'));
    assert.deepEqual([a.stats.gzip, b.stats.gzip], [false, true]);
    assert.deepEqual(a.events, b.events);
    assert.equal(b.stats.events, 394);
    const stream = await collect(chunked(gzipSync(text), 1000));
    assert.deepEqual([stream.stats.gzip, stream.stats.events, stream.stats.file], [true, 394, '<stream>']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTrace handles CRLF line ends and a last line without a newline', async () => {
  const text = `# tracer: nop\r\n${RET(1)}\r\n\r\n${RET(2)}`;
  const { events, stats } = await collect(chunked(text, 5));
  assert.deepEqual(events.map((e) => [e.kind, e.ts, e.line]), [['map_single_ret', 1, 2], ['map_single_ret', 2, 4]]);
  assert.deepEqual([stats.lines, stats.blankLines, stats.commentLines], [4, 1, 1]);
  assert.equal((await collect(Readable.from([]))).stats.lines, 0);
});

test('readTrace counts unknown events and LOST lines', async () => {
  const text = [RET(1), LINE(2, 'sched_switch: prev_comm=dd'), 'CPU:1 [LOST 123 EVENTS]', LINE(3, 'sched_switch: x'), 'CPU:0 [LOST EVENTS]', RET(4), ''].join('\n');
  const { stats } = await collect(chunked(text, 64));
  assert.deepEqual({ ...stats.unknownByName }, { sched_switch: 2 });
  assert.deepEqual({ ...stats.lost, byCpu: { ...stats.lost.byCpu } }, { lines: 2, events: 123, linesWithoutCount: 1, byCpu: { 1: 123, 0: 0 } });
  assert.equal(stats.events, 2);
});

const BAD = [
  RET(1),
  LINE(2, 'map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 slot=abc nslots=2 aindex=2 aused=2'),
  LINE(3, 'map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 nslots=2 aindex=2 aused=2'),
  '  dd-150 [001] d.Z.. 4: map_fou',
  RET(5),
].join('\n');

test('readTrace stops at the first malformed line with an InputError naming file and line', async () => {
  await assert.rejects(collect(chunked(BAD, 16), { file: 'bad-trace.txt' }), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.code, 'bad_number');
    assert.equal(e.line, 2);
    assert.match(e.message, /^bad-trace\.txt:2: .*slot/);
    return true;
  });
});

test('readTrace lenient mode counts malformed lines by code, keeps examples and reads the rest', async () => {
  const { events, stats } = await collect(chunked(BAD, 16), { lenient: true, file: 'bad-trace.txt' });
  assert.deepEqual(events.map((e) => e.line), [1, 5]);
  assert.equal(stats.malformed.total, 3);
  assert.deepEqual({ ...stats.malformed.byCode }, { bad_number: 1, missing_field: 1, bad_line: 1 });
  assert.deepEqual(stats.malformed.examples.map((x) => [x.line, x.code]), [[2, 'bad_number'], [3, 'missing_field'], [4, 'bad_line']]);
  assert.match(stats.malformed.examples[1]!.message, /bad-trace\.txt:3: .*'slot'/);
});

test('readTrace rejects over-long lines, or skips them in lenient mode', async () => {
  const long = `${RET(1)}\n${'x'.repeat((1 << 20) + 10)}\n${RET(3)}\n`;
  for (const size of [300_000, 1 << 20, 4 << 20]) {
    await assert.rejects(collect(chunked(long, size)), /:2: .*longer than/);
    const { events, stats } = await collect(chunked(long, size), { lenient: true });
    assert.deepEqual(events.map((e) => e.line), [1, 3], `chunk size ${size}`);
    assert.deepEqual([stats.lines, stats.malformed.byCode.line_too_long], [3, 1]);
  }
});

test('readTrace passes errors of onEvent through, even in lenient mode', async () => {
  await assert.rejects(
    readTrace(chunked(`${RET(1)}\n`, 100), { lenient: true, onEvent: () => { throw new RangeError('consumer'); } }),
    RangeError,
  );
});
