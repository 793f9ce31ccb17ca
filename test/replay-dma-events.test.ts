import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { BUILTIN_TRACES } from '../src/cli/replay-command.js';
import { oracleToDmaEvents } from './helpers/oracle-to-dma.js';

const dir = mkdtempSync(join(tmpdir(), 'swiotlb-dma-'));
function converted(name: string): string {
  const raw = gunzipSync(readFileSync(join(BUILTIN_TRACES, name, 'trace.txt.gz'))).toString('utf8');
  const f = join(dir, `${name}.dma.txt`);
  writeFileSync(f, oracleToDmaEvents(raw));
  return f;
}
const NVME = new Map([['0000:00:02.0', { minAlignMask: 0xfff, segmentBoundaryMask: 0xffffffff }]]);

test('replay of dma:* events compares bounce addresses when the pool placement is given', async () => {
  const f = converted('nvme_smoke_smp2');
  const r = await replayTraceFile(f, { kernel: '6.1', pool: { start: 0x79900000, nslabs: 32768, nareas: 2 }, devices: NVME });
  assert.equal(r.mode, 'dma-events');
  assert.equal(r.maps, 54);
  assert.equal(r.unmaps, 54);
  assert.equal(r.syncs, 54);
  assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
  assert.equal(r.matched, 54);
  assert.equal(r.dma?.liveAtEnd, 0);
});

test('replay of dma:* events without the pool placement still replays occupancy and failures, and says addresses were not compared', async () => {
  const f = converted('virtio_small8192_smp2');
  const r = await replayTraceFile(f, { kernel: '6.1', pool: { start: 0x7c900000, nslabs: 8192, nareas: 2 } });
  assert.equal(r.maps, 6597);
  // Read as an entry capture (swiotlb_bounced opens a map, dma_map_page closes it), each map is decided
  // in a lock order the trace allows: the kernel's 33 failures exactly.
  assert.equal(r.failures, 33);
  assert.ok(r.mismatched <= 2, `mismatched ${r.mismatched}`);
  const d = await replayTraceFile(f, { kernel: '6.1' });
  assert.equal(d.pool?.source, 'default');
  assert.ok(d.warnings.some((w) => /not compared/.test(w)));
  assert.ok(d.peakUsed > 0);
});

test('replay of dma:* events catches a model that decides differently', async () => {
  const f = converted('nvme_smoke_smp2');
  // NVMe's min_align_mask neither given nor read off the bounce addresses.
  const r = await replayTraceFile(f, { kernel: '6.1', pool: { start: 0x79900000, nslabs: 32768, nareas: 2 }, inferDevices: false });
  assert.ok(r.mismatched > 0);
  assert.equal(r.firstMismatch?.decision, 'dma_map');
  assert.match(r.firstMismatch!.text, /dma_map_page/);
});

test('replay of dma:* events of a full pool on 4 CPUs: the kernel failures exactly, few maps no lock order explains', async () => {
  const f = converted('nvme_small4096_smp4');
  const r = await replayTraceFile(f, { kernel: '6.1', pool: { start: 0x7d100000, nslabs: 4096, nareas: 4 }, devices: NVME });
  assert.equal(r.mode, 'dma-events');
  assert.equal(r.failures, 1648, "the kernel's failures, as the in-lock replay has them");
  assert.ok(r.reordered > 500, `reordered ${r.reordered}`);
  assert.ok(r.mismatched < r.maps * 0.02, `mismatched ${r.mismatched} of ${r.maps}`);
  assert.equal(r.followed, r.mismatched);
});

test("replay of dma:* events reads a device's min_align_mask off its bounce addresses when --device does not give it", async () => {
  const f = converted('nvme_smoke_smp2');
  const r = await replayTraceFile(f, { kernel: '6.1', pool: { start: 0x79900000, nslabs: 32768, nareas: 2 } });
  assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
  assert.match(r.warnings.join('\n'), /0000:00:02\.0: min_align_mask 0xfff read off its bounce addresses/);
});
