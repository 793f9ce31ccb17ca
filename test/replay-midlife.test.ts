import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { BUILTIN_TRACES } from '../src/cli/replay-command.js';
import { cutMidLife, fixtureLines } from './helpers/captures.js';

for (const [name, nareas, areaNslabs, smallPool] of [
  ['nvme_small4096_smp4', 4, 1024, true],
  // Its first events after the cut are unmaps and syncs of the IDE disk: the 64 KiB boundary its later maps print must still apply.
  ['ide_small2048_smp2', 2, 1024, false],
] as const) {
  test(`a capture that starts with mappings live and areas mid-way replays exactly from its first pool line (${name})`, async () => {
    const lines = fixtureLines(name);
    const { text, live } = cutMidLife(lines, nareas, areaNslabs, 8);
    const dir = mkdtempSync(join(tmpdir(), 'swiotlb-midlife-'));
    try {
      const f = join(dir, 'trace.txt');
      writeFileSync(f, text);
      const r = await replayTraceFile(f, { kernel: '6.1', check: true });
      assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
      assert.ok(r.matched > 10_000);
      assert.equal(r.initialState!.mappings, live);
      assert.ok(r.initialState!.slotsInUse >= live);
      assert.equal(r.initialState!.unplaced, 0);
      // The mappings made before the cut are unmapped in it without dma-debug calling that an error.
      assert.equal(r.dmaDebug!.counts.unmap_not_mapped ?? 0, 0);
      if (smallPool) assert.ok(r.failures > 0, 'the small pool still fails maps after the cut');
      // The same capture gzipped, as the capture script writes it: the first pass and the replay read the stream.
      const gz = join(dir, 'trace.txt.gz');
      writeFileSync(gz, gzipSync(Buffer.from(text)));
      const z = await replayTraceFile(gz, { kernel: '6.1' });
      assert.deepEqual([z.matched, z.mismatched, z.initialState], [r.matched, r.mismatched, r.initialState]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a pool line with slots in use that the trace never frees is reported, not hidden', async () => {
  const lines = readFileSync(join(BUILTIN_TRACES, 'nvme_smoke_smp2', 'trace.txt'), 'utf8').split('\n');
  const pool = lines.findIndex((l) => l.includes(' pool: '));
  lines[pool] = lines[pool]!.replace('a0_used=0', 'a0_used=6');
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-midlife-'));
  try {
    const f = join(dir, 'trace.txt');
    writeFileSync(f, lines.join('\n'));
    const r = await replayTraceFile(f, { kernel: '6.1' });
    assert.deepEqual(r.initialState, { line: pool + 1, slotsInUse: 6, mappings: 0, unplaced: 6, leadInEvents: 0, inFlight: 0, inFlightPlaced: 0 });
    assert.match(r.warnings[0]!, /6 of the 6 slots in use when the capture started .* never unmaps/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
