import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { builtinTraces, BUILTIN_TRACES } from '../src/cli/replay-command.js';

// Counts from each capture's meta.txt (events section), taken by the capture script in the guest.
function meta(name: string): Record<string, number> {
  const text = readFileSync(join(BUILTIN_TRACES, name, 'meta.txt'), 'utf8');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^\s+(\w+)(?:\(ret=0xffffffffffffffff\))?:?\s+(\d+)$/gm)) out[m[1]!] = Number(m[2]);
  return out;
}

test('replay matches every decision of the real 6.1 kernel on every bundled oracle capture', async () => {
  const traces = builtinTraces();
  assert.ok(traces.length >= 15, 'the five sample captures and ten made in this project');
  for (const t of traces) {
    const name = t.split('/').slice(-2)[0]!;
    const r = await replayTraceFile(t, { kernel: '6.1' });
    const m = meta(name);
    assert.equal(r.mode, 'in-lock', name);
    assert.equal(r.mismatched, 0, `${name}: ${JSON.stringify(r.firstMismatch)}`);
    assert.equal(r.maps, m.map_single_ret, name);
    assert.equal(r.unmaps, m.unmap_release, name);
    assert.equal(r.failures, m.map_failed ?? 0, name);
    // One decision per area tried, per return, per release, and per area of every pool snapshot.
    assert.equal(r.matched, (m.map_found ?? 0) + (m.map_area_full ?? 0) + m.map_single_ret! + m.unmap_release! + (m.pool ?? 0) * r.pool!.nareas, name);
    assert.equal(r.usedAtEnd, 0, `${name}: io_tlb_used is 0 after every run`);
  }
});

test('replay reports the small-pool failures as the kernel logged them', async () => {
  const r = await replayTraceFile(join(BUILTIN_TRACES, 'virtio_small8192_smp2', 'trace.txt.gz'));
  assert.equal(r.failures, 33);
  assert.deepEqual(r.failuresByCode, { fragmented: 33 });
  const dmesg = readFileSync(join(BUILTIN_TRACES, 'virtio_small8192_smp2', 'dmesg_swiotlb.txt'), 'utf8');
  const kernelLines = [...dmesg.matchAll(/swiotlb buffer is full \(sz: \d+ bytes\), total \d+ \(slots\), used \d+ \(slots\)/g)].map((m) => m[0]);
  const modelLines = r.log.map((l) => l.replace(/^.*?: /, ''));
  assert.ok(kernelLines.length > 0);
  for (const k of new Set(kernelLines)) assert.ok(modelLines.includes(k), `model logged "${k}"`);
});

test('replay with the wrong kernel profile reports mismatches with the trace line and both views', async () => {
  const r = await replayTraceFile(join(BUILTIN_TRACES, 'nvme_force_smp2', 'trace.txt.gz'), { kernel: '6.6.0' });
  assert.ok(r.mismatched > 0, 'the 6.6 search places NVMe page-sized buffers differently');
  const m = r.firstMismatch!;
  assert.ok(m.line > 0);
  assert.match(m.text, /map_found|map_single_ret|unmap_release/);
  assert.notDeepEqual(m.kernel, m.model);
  assert.ok(m.area !== null && m.area.list.length > 0);
});

test('replay with the reference scan gives the same result as the fast search', async () => {
  const f = join(BUILTIN_TRACES, 'virtio_small8192_smp2', 'trace.txt.gz');
  const a = await replayTraceFile(f, { searchImpl: 'fast' });
  const b = await replayTraceFile(f, { searchImpl: 'scan' });
  assert.equal(a.mismatched, 0);
  assert.deepEqual(a.counters, b.counters);
});

test('the IDE captures exercise the segment boundary rule: told the device has none, the model parts from the kernel', async () => {
  // ata_piix sets a 64 KiB DMA boundary (segbnd=0xffff): 32-slot maps must start on a 32-slot boundary.
  const src = join(BUILTIN_TRACES, 'ide_small2048_smp2', 'trace.txt.gz');
  const text = gunzipSync(readFileSync(src)).toString('utf8');
  assert.ok(text.includes('segbnd=0xffff '));
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-boundary-'));
  try {
    const f = join(dir, 'trace.txt');
    writeFileSync(f, text.replaceAll('segbnd=0xffff ', 'segbnd=0xffffffff '));
    const r = await replayTraceFile(f, { kernel: '6.1' });
    assert.ok(r.mismatched > 0);
    assert.match(r.firstMismatch!.text, /map_found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an IDE capture on a pool that does not start on a 64 KiB boundary: the boundary window counts from the pool address', async () => {
  // memmap=4K$0x7d8fd000 put the pool at 0x7d2fd000: a 64 KiB boundary falls mid-way between the slots a pool-relative count would use.
  const name = 'ide_nvme_small2048_par_unaligned_smp2';
  const pool = readFileSync(join(BUILTIN_TRACES, name, 'pool.txt'), 'utf8');
  const start = Number(/start=(0x[0-9a-f]+)/.exec(pool)![1]);
  assert.notEqual(start % 0x10000, 0);
  const r = await replayTraceFile(join(BUILTIN_TRACES, name, 'trace.txt.gz'), { kernel: '6.1' });
  assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
  assert.ok(r.failures > 1000, 'the small pool fails maps where the kernel did');
});
