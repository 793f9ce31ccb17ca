import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { BUILTIN_TRACES } from '../src/cli/replay-command.js';

/**
 * A real capture as the capture script records it: without the in-lock
 * probes (map_found, map_area_full, unmap_release), so each map is decided
 * at its return and the area lock order of concurrent calls is not known.
 */
async function replayEntry(name: string, kernel = '6.1'): Promise<Awaited<ReturnType<typeof replayTraceFile>>> {
  const text = gunzipSync(readFileSync(join(BUILTIN_TRACES, name, 'trace.txt.gz'))).toString('utf8');
  const lines = text.split('\n').filter((l) => !/ (map_found|map_area_full|unmap_release): /.test(l));
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-entry-'));
  try {
    const f = join(dir, 'trace.txt');
    writeFileSync(f, lines.join('\n'));
    return await replayTraceFile(f, { kernel });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an entry capture without contention replays exactly', async () => {
  const r = await replayEntry('nvme_force_smp2');
  assert.equal(r.mode, 'entry');
  assert.equal(r.mismatched, 0);
  assert.ok(r.matched > r.maps, 'every map, and the idle pool snapshots');
});

test('an entry capture of a full pool: concurrent maps are matched in an order the trace allows, and a miss does not spread', async () => {
  const r = await replayEntry('nvme_small512_smp2');
  assert.equal(r.mode, 'entry');
  assert.equal(r.failures, 2255, "the kernel's failures, as the in-lock replay has them");
  assert.ok(r.reordered > 50, `reordered ${r.reordered}`);
  // Without the order search 142 maps differ; each remaining one is followed, so none causes the next.
  assert.ok(r.mismatched <= 40, `mismatched ${r.mismatched}`);
  assert.equal(r.followed, r.mismatched);
  assert.equal(r.warnings.filter((w) => w.includes('Cannot release')).length, 0, 'the state never lost the kernel');
});

test('the order search does not hide a wrong model: the 6.6 search on a 6.1 entry capture still differs', async () => {
  const r = await replayEntry('nvme_force_smp2', '6.6.0');
  assert.ok(r.mismatched > 30_000, `mismatched ${r.mismatched}`);
  assert.equal(r.reordered, 0);
});
