import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { replayVerdict } from '../src/lab/replay/replay-format.js';

const DIR = fileURLToPath(new URL('./fixtures/script-captures/', import.meta.url));

/** The kernel's own counts in a capture: bounced maps and failed returns. */
function kernelCounts(name: string): { bounced: number; failed: number } {
  const text = gunzipSync(readFileSync(join(DIR, name, 'swiotlb-trace.txt.gz'))).toString('utf8');
  return { bounced: (text.match(/ swiotlb_bounced: /g) ?? []).length, failed: (text.match(/ map_single_ret: .*ret=0xffffffffffffffff/g) ?? []).length };
}

for (const name of ['nvme_force_smp2', 'usb_small2048_smp2']) {
  test(`a capture the script made on a real 6.1 kernel replays exactly (${name})`, async () => {
    const r = await replayTraceFile(join(DIR, name, 'swiotlb-trace.txt.gz'), { kernel: '6.1' });
    const k = kernelCounts(name);
    assert.equal(r.mode, 'entry');
    assert.equal(r.maps, k.bounced, 'one map per bounce: no probe hit missed');
    assert.equal(r.unmaps, r.maps);
    assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
    assert.equal(replayVerdict(r), 'OK');
    assert.deepEqual(r.warnings, []);
    assert.ok(r.initialState !== null, 'started from the pool line the script read');
    const out = readFileSync(join(DIR, name, 'script-output.txt'), 'utf8');
    assert.match(out, /reading swiotlb_tbl_map_single's result after its 3 call site\(s\)/);
    assert.match(out, /kprobe misses 0/);
    assert.match(out, /--kernel 6\.1\n/);
  });
}

test('a full pool on 4 CPUs captured by the script: the kernel failures exactly, and few maps no lock order explains', async () => {
  const name = 'nvme_virtio_small4096_smp4';
  const r = await replayTraceFile(join(DIR, name, 'swiotlb-trace.txt.gz'), { kernel: '6.1' });
  const k = kernelCounts(name);
  assert.equal(r.maps, k.bounced);
  assert.equal(r.failures, k.failed, 'every failure where the kernel had one');
  assert.ok(r.reordered > 1000, `reordered ${r.reordered}`);
  assert.ok(r.mismatched < r.maps * 0.02, `mismatched ${r.mismatched} of ${r.maps}`);
  assert.equal(r.followed, r.mismatched);
});

test('lookahead: seeing the returns of maps pending with a differing map explains more of the full pool', async () => {
  const f = join(DIR, 'nvme_virtio_small4096_smp4', 'swiotlb-trace.txt.gz');
  const blind = await replayTraceFile(f, { kernel: '6.1', lookahead: 0 });
  const seeing = await replayTraceFile(f, { kernel: '6.1' });
  assert.equal(seeing.events, blind.events, 'every event still processed once');
  assert.ok(seeing.mismatched < blind.mismatched * 0.9, `${seeing.mismatched} with lookahead, ${blind.mismatched} without`);
  assert.equal(seeing.mismatched + seeing.matched, blind.mismatched + blind.matched);
});
