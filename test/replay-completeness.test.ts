import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { formatReplay, replayVerdict } from '../src/lab/replay/replay-format.js';
import { BUILTIN_TRACES } from '../src/cli/replay-command.js';
import { fixtureLines, withoutInLock } from './helpers/captures.js';

const SMOKE = readFileSync(join(BUILTIN_TRACES, 'nvme_smoke_smp2', 'trace.txt'), 'utf8').split('\n');

async function replayLines(lines: string[], meta?: string): Promise<Awaited<ReturnType<typeof replayTraceFile>>> {
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-complete-'));
  try {
    // Named as the capture script names its output, so its side file sits next to it.
    const f = join(dir, 'swiotlb-trace.txt');
    writeFileSync(f, lines.join('\n'));
    if (meta !== undefined) writeFileSync(join(dir, 'swiotlb-trace.meta.txt'), meta);
    return await replayTraceFile(f, { kernel: '6.1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a complete capture replays OK', async () => {
  const r = await replayLines(SMOKE, 'mode=kprobes\nlost_events=0\nkprobe_misses=0\n');
  assert.equal(replayVerdict(r), 'OK');
  assert.equal(r.overwrittenEvents, 0);
  assert.deepEqual(r.warnings, []);
});

test('missed probe hits and an overwritten ring buffer are reported, and explain a mismatch', async () => {
  // Drop one unmap as a missed probe would: its slots stay in use in the model, so a later map lands elsewhere.
  const at = SMOKE.findIndex((l) => l.includes(' unmap_single: '));
  const release = SMOKE.findIndex((l, i) => i > at && l.includes(' unmap_release: '));
  const lines = SMOKE.filter((_, i) => i !== at && i !== release).map((l) => l.replace('entries-in-buffer/entries-written: 394/394', 'entries-in-buffer/entries-written: 392/400'));
  const r = await replayLines(lines, 'mode=kprobes\nlost_events=0\nkprobe_misses=1\n');
  assert.equal(r.overwrittenEvents, 8);
  assert.match(r.warnings.join('\n'), /the capture missed 1 kprobe hits \(swiotlb-trace\.meta\.txt\)/);
  assert.match(r.warnings.join('\n'), /the ring buffer overwrote 8 events/);
  assert.ok(r.mismatched > 0);
  assert.equal(replayVerdict(r), 'INCOMPLETE');
  assert.match(formatReplay(r), /OVERWRITTEN 8/);
  // The same trace without the side file and header is a plain mismatch: nothing says it is incomplete.
  const bare = await replayLines(SMOKE.filter((_, i) => i !== at && i !== release));
  assert.equal(replayVerdict(bare), 'MISMATCH');
});

test('a trace with nothing to compare does not claim that every decision matched', async () => {
  const r = await replayLines(SMOKE.filter((l) => l.startsWith('#') || l.includes(' swiotlb_bounced: ')));
  assert.equal(r.matched + r.mismatched, 0);
  assert.equal(replayVerdict(r), 'NOTHING');
  assert.match(formatReplay(r), /result {5}NOTHING TO COMPARE/);
});

test("the oracle harness's meta.txt next to its trace.txt says the same: missed hits and ring-buffer overruns", async () => {
  // The harness's layout (trace.txt + meta.txt with an indented events section), run with its fallback probes, which miss nested hits.
  const at = SMOKE.findIndex((l) => l.includes(' unmap_single: '));
  const release = SMOKE.findIndex((l, i) => i > at && l.includes(' unmap_release: '));
  const meta = readFileSync(join(BUILTIN_TRACES, 'nvme_smoke_smp2', 'meta.txt'), 'utf8').replace('  kprobe_misses 0', '  kprobe_misses 2').replace('  ringbuffer_overrun 0', '  ringbuffer_overrun 3');
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-complete-'));
  try {
    writeFileSync(join(dir, 'trace.txt'), SMOKE.filter((_, i) => i !== at && i !== release).join('\n'));
    writeFileSync(join(dir, 'meta.txt'), meta);
    const r = await replayTraceFile(join(dir, 'trace.txt'), { kernel: '6.1' });
    assert.match(r.warnings.join('\n'), /the capture missed 2 kprobe hits \(meta\.txt\)/);
    assert.match(r.warnings.join('\n'), /the capture lost 3 events in the ring buffer \(meta\.txt\)/);
    assert.equal(replayVerdict(r), 'INCOMPLETE');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // The bundled captures' own meta.txt (no misses) adds nothing.
  const ok = await replayTraceFile(join(BUILTIN_TRACES, 'nvme_smoke_smp2', 'trace.txt'), { kernel: '6.1' });
  assert.deepEqual(ok.warnings, []);
});

test('a capture that says it lost events: mappings whose unmaps were lost are released where the kernel reuses their slots, so one loss does not spread', async () => {
  // An entry capture (no in-lock probes) of a 1 MiB pool with one unmap lost: the kernel soon gives its slots out again.
  const entry = withoutInLock(fixtureLines('nvme_small512_smp2'));
  const at = entry.findIndex((l) => l.includes(' unmap_single: '));
  const lines = entry.filter((_, i) => i !== at);
  const told = await replayLines(lines, 'mode=kprobes\nlost_events=0\nkprobe_misses=1\n');
  assert.equal(told.releasedHolders, 1);
  assert.match(told.warnings[0]!, /^1 mappings still held slots the kernel gave out again: the capture lost their unmaps/);
  assert.ok(told.mismatched > 0, 'the map that reused the lost unmap\'s slots still counts as differing');
  assert.equal(replayVerdict(told), 'INCOMPLETE');
  // Without the side file's word nothing is released: the lost unmap's slots stay held and every later decision meets them.
  const silent = await replayLines(lines, 'mode=kprobes\nlost_events=0\nkprobe_misses=0\n');
  assert.equal(silent.releasedHolders, 0);
  assert.ok(silent.mismatched > told.mismatched, `${silent.mismatched} without, ${told.mismatched} with`);
  assert.notEqual(silent.inputDigest, told.inputDigest, 'the side file changed the decisions: the digest says so');
});

test("a real oracle-harness capture with its fallback probes, which lost nested unmap hits: one differing map per lost unmap the kernel reused", async () => {
  const dir = fileURLToPath(new URL('./fixtures/oracle-fallback/nvme_dd_inner0_smp2/', import.meta.url));
  const r = await replayTraceFile(join(dir, 'trace.txt.gz'), { kernel: '6.1' });
  assert.equal(r.mode, 'entry');
  assert.match(r.warnings.join('\n'), /the capture missed 8276 kprobe hits \(meta\.txt\)/);
  assert.ok(r.releasedHolders > 400, `released ${r.releasedHolders}`);
  assert.equal(r.mismatched, r.releasedHolders, 'every difference is a lost unmap the kernel reused, none spreads');
  assert.equal(r.failures, 0, 'the kernel failed no map');
  assert.equal(replayVerdict(r), 'INCOMPLETE');
  // The same trace without its meta.txt: nothing says events were lost, nothing is released, and more decisions differ.
  const bare = mkdtempSync(join(tmpdir(), 'swiotlb-complete-'));
  try {
    writeFileSync(join(bare, 'trace.txt.gz'), readFileSync(join(dir, 'trace.txt.gz')));
    const b = await replayTraceFile(join(bare, 'trace.txt.gz'), { kernel: '6.1' });
    assert.equal(b.releasedHolders, 0);
    assert.ok(b.mismatched > r.mismatched, `${b.mismatched} without meta.txt, ${r.mismatched} with`);
    assert.equal(replayVerdict(b), 'MISMATCH');
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});
