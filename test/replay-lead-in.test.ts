import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { formatReplay, replayVerdict } from '../src/lab/replay/replay-format.js';
import { cutInFlight, fixtureLines, withoutInLock } from './helpers/captures.js';

const DIR = fileURLToPath(new URL('./fixtures/script-captures/', import.meta.url));

/** Lines of a script capture. */
function captureLines(name: string): string[] {
  return gunzipSync(readFileSync(join(DIR, name, 'swiotlb-trace.txt.gz'))).toString('utf8').split('\n');
}

/** Replay trace text written to a temporary file. */
async function replayText(text: string): Promise<Awaited<ReturnType<typeof replayTraceFile>>> {
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-leadin-'));
  try {
    const f = join(dir, 'trace.txt.gz');
    writeFileSync(f, gzipSync(Buffer.from(text)));
    return await replayTraceFile(f, { kernel: '6.1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const [name, leadIn, inFlight, skewed] of [
  ['nvme_load_leadin_smp2', 6379, 0, 0],
  ['nvme_virtio_load_inflight_smp4', 792, 1, 0],
  ['nvme_load_mttcg_readskew_smp2', 601, 0, 1],
] as const) {
  test(`a capture started with DMA in flight replays from its pool read, the calls before it as lead-in (${name})`, async () => {
    const r = await replayTraceFile(join(DIR, name, 'swiotlb-trace.txt.gz'), { kernel: '6.1' });
    const lines = captureLines(name);
    const pool = lines.findIndex((l) => l.includes(' pool: '));
    assert.equal(r.mode, 'entry');
    assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
    assert.equal(replayVerdict(r), 'OK');
    const init = r.initialState!;
    assert.equal(init.line, pool + 1);
    assert.equal(init.leadInEvents, leadIn);
    assert.equal(init.inFlight, inFlight);
    assert.ok(init.slotsInUse > 0 && init.mappings > 0, 'mappings were live at the pool read');
    assert.equal(init.unplaced, 0);
    assert.equal(r.poolReadSkewed, skewed);
    // Every map that returns after the pool line is replayed (one in flight across the read included), none before it.
    assert.equal(r.maps, lines.slice(pool).filter((l) => l.includes(' map_single_ret: ')).length);
    assert.ok(r.matched > 4000);
    assert.match(formatReplay(r), new RegExp(`lead-in +${leadIn} events before the first pool line`));
  });
}

test('a pool line the lead-in and adjacent releases do not explain is still a mismatch', async () => {
  const lines = captureLines('nvme_load_mttcg_readskew_smp2');
  const pool = lines.findIndex((l) => l.includes(' pool: '));
  for (const [from, to] of [
    ['a1_used=294', 'a1_used=200'],
    ['a1_used=294', 'a1_used=320'],
  ] as const) {
    const cut = [...lines];
    cut[pool] = cut[pool]!.replace(from, to);
    const r = await replayText(cut.join('\n'));
    assert.ok(r.mismatched > 0, `${to}: mismatched`);
    assert.equal(r.firstMismatch!.line, pool + 1);
    assert.equal(r.firstMismatch!.decision, 'pool');
  }
});

for (const inLock of [true, false]) {
  for (const placed of [true, false]) {
    test(`a map in flight at the pool read is ${placed ? 'placed at the kernel slots it already held' : 'decided after the read'} (${inLock ? 'in-lock' : 'entry'} probes)`, async () => {
      // In-lock: a full pool on 4 CPUs; entry: a capture without contention (see replay-entry.test.ts for full pools without in-lock probes).
      const { text, poolLine } = inLock ? cutInFlight(fixtureLines('nvme_small4096_smp4'), 4, 1024, placed) : cutInFlight(fixtureLines('nvme_force_smp2'), 2, 16384, placed);
      const r = await replayText(inLock ? text : withoutInLock(text.split('\n')).join('\n'));
      assert.equal(r.mode, inLock ? 'in-lock' : 'entry');
      assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
      const init = r.initialState!;
      assert.ok(init.leadInEvents > 5000, `lead-in ${init.leadInEvents}`);
      assert.equal(init.inFlight, 1);
      assert.equal(init.inFlightPlaced, placed ? 1 : 0);
      assert.equal(init.unplaced, 0);
      if (inLock) assert.equal(init.line, poolLine);
      assert.ok(r.matched > 5000);
    });
  }
}

test('a trace with calls and no pool line at all still asks for the pool geometry, at its first call', async () => {
  const lines = captureLines('nvme_load_leadin_smp2').filter((l) => !l.includes(' pool: '));
  const first = lines.findIndex((l) => / (map_single|map_single_ret|unmap_single|sync_for_cpu|sync_for_device): /.test(l));
  await assert.rejects(replayText(lines.join('\n')), (e: Error) => {
    assert.match(e.message, /before any `pool:` line; give the pool geometry/);
    assert.equal((e as Error & { line?: number }).line, first + 1);
    return true;
  });
});

test('a capture whose first pool line comes late says how much it did not replay, and why when the buffer overwrote its start', async () => {
  const lines = captureLines('nvme_load_leadin_smp2');
  const pool = lines.findIndex((l) => l.includes(' pool: '));
  const poolLine = lines[pool]!;
  const rest = lines.filter((_, i) => i !== pool);
  const late = Math.floor(rest.length * 0.9);
  const moved = [...rest.slice(0, late), poolLine, ...rest.slice(late)];
  const r = await replayText(moved.join('\n'));
  assert.match(r.warnings[0]!, /^\d+ of the trace's \d+ events come before its first pool line \(line \d+\) and are not replayed$/);
  // The ring buffer overwrote the beginning (the header's entries-in-buffer < entries-written), the first pool line with it.
  const overwritten = moved.map((l) => l.replace(/entries-in-buffer\/entries-written: (\d+)\/\d+/, (_, n: string) => `entries-in-buffer/entries-written: ${n}/${Number(n) + 250000}`));
  const o = await replayText(overwritten.join('\n'));
  assert.ok(o.warnings.some((w) => /are not replayed: the ring buffer overwrote the beginning of the capture.*larger --buffer-kb/.test(w)), o.warnings.join('\n'));
  // Started at an early pool line, the same capture has no such warning.
  const r0 = await replayTraceFile(join(DIR, 'nvme_load_leadin_smp2', 'swiotlb-trace.txt.gz'), { kernel: '6.1' });
  assert.ok(!r0.warnings.some((w) => w.includes('not replayed')));
});
