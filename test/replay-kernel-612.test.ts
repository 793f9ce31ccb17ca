import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { replayVerdict } from '../src/lab/replay/replay-format.js';

const DIR = fileURLToPath(new URL('./fixtures/kernel-6.12/', import.meta.url));
const trace = (name: string): string => join(DIR, name, 'swiotlb-trace.txt.gz');
/** NVMe's min_align_mask, which dma:* events do not print. */
const NVME = new Map([['0000:00:02.0', { minAlignMask: 0xfff }]]);

/** The kernel's own counts from the first pool line on (what came before is lead-in): bounce events, and dma_map_page calls that failed. */
function kernelCounts(name: string): { bounced: number; failedMapPage: number } {
  const text = gunzipSync(readFileSync(trace(name))).toString('utf8');
  const fromPool = text.slice(text.indexOf(' pool: '));
  return { bounced: (fromPool.match(/ swiotlb_bounced: /g) ?? []).length, failedMapPage: (fromPool.match(/ dma_map_page: .* dma_addr=ffffffffffffffff /g) ?? []).length };
}

for (const [name, devices] of [
  ['usb_small2048_smp2', undefined],
  ['nvme_force_smp2', NVME],
  ['nvme_load_smp2', undefined],
] as const) {
  test(`a real 6.12 kernel's dma:* capture replays exactly (${name})`, async () => {
    const r = await replayTraceFile(trace(name), { kernel: '6.12', ...(devices ? { devices } : {}) });
    assert.equal(r.mode, 'dma-events');
    assert.equal(r.pool?.source, 'trace', 'placed by the pool line: addresses compared');
    assert.equal(r.maps, kernelCounts(name).bounced, 'one map per bounce event after the pool read');
    assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
    assert.equal(replayVerdict(r), 'OK');
    assert.ok(r.matched > 3900);
    assert.deepEqual(r.warnings, []);
    if (name === 'nvme_load_smp2') {
      // Started under load: events before the pool read are lead-in, a mapping live at it is placed from its unmap.
      assert.deepEqual(r.initialState, { line: 82, slotsInUse: 2, mappings: 1, unplaced: 0, leadInEvents: 188, inFlight: 0, inFlightPlaced: 0 });
    }
  });
}

test("without --device a 6.12 NVMe capture's min_align_mask is read off its bounce addresses, and the replay says so", async () => {
  const r = await replayTraceFile(trace('nvme_force_smp2'), { kernel: '6.12' });
  assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
  assert.deepEqual(r.warnings, [
    "0000:00:02.0: min_align_mask 0xfff read off its bounce addresses (3996 of them kept the buffer's offset inside a slot; dma:* events do not print it): give --device '0000:00:02.0,min_align_mask=...' to set it",
  ]);
  // Not reading it: the first map with an offset says which option to give, and the maps differ.
  const blind = await replayTraceFile(trace('nvme_force_smp2'), { kernel: '6.12', inferDevices: false });
  assert.ok(blind.mismatched > 1000);
  assert.match(blind.warnings[0]!, /^line 16: the kernel bounced 0000:00:02.0's buffer 0x2b92710 to 0x7b905710, keeping its offset inside a slot: .* --device '0000:00:02\.0,min_align_mask=0xfff'/);
  // A device without one shows none, and one given wrongly is caught.
  const usb = await replayTraceFile(trace('usb_small2048_smp2'), { kernel: '6.12' });
  assert.deepEqual(usb.warnings, []);
  const wrong = await replayTraceFile(trace('usb_small2048_smp2'), { kernel: '6.12', devices: NVME });
  assert.ok(wrong.mismatched > 1000, 'a min_align_mask the xhci device does not have is caught');
});

for (const [name, devices, maxMismatched] of [
  ['nvme_small4096_smp2', NVME, 4],
  ['nvme_sub_page_smp4', undefined, 19],
  ['nvme_virtio_small4096_smp4', NVME, 18],
  ['ahci_small2048_smp2', undefined, 1],
] as const) {
  test(`a full pool in a real 6.12 dma:* capture: the kernel's failures, maps decided in an order the trace allows (${name})`, async () => {
    const r = await replayTraceFile(trace(name), { kernel: '6.12', ...(devices ? { devices } : {}) });
    const k = kernelCounts(name);
    assert.equal(r.mode, 'dma-events');
    assert.equal(r.maps, k.bounced);
    // Each call that failed on the full pool leaves only bounce events: its last map is counted failed.
    assert.ok(r.failures >= k.failedMapPage && r.failures - k.failedMapPage <= r.dma!.abandoned, `${r.failures} failures, ${k.failedMapPage} failed dma_map_page, ${r.dma!.abandoned} abandoned`);
    if (name !== 'ahci_small2048_smp2') assert.ok(r.dma!.abandoned > 0 || k.failedMapPage > 0);
    assert.ok(r.mismatched <= maxMismatched, `mismatched ${r.mismatched}`);
    assert.equal(r.followed, r.mismatched, 'each difference followed, none spreads');
    assert.equal(r.pendingAtEnd, 0, 'every bounce event closed');
    assert.ok(r.matched > 2700);
  });
}

test('read as an entry capture a full pool on 4 CPUs differs on a handful of maps; each map decided where its dma:* event stands, on thousands', async () => {
  const f = trace('nvme_virtio_small4096_smp4');
  const entry = await replayTraceFile(f, { kernel: '6.12', devices: NVME });
  const pool = { start: entry.pool!.start, nslabs: entry.pool!.nslabs, nareas: entry.pool!.nareas };
  const atEvent = await replayTraceFile(f, { kernel: '6.12', devices: NVME, pool, dmaWithoutPoolLine: true });
  assert.equal(atEvent.mode, 'dma-events');
  assert.ok(entry.mismatched * 100 < atEvent.mismatched, `${entry.mismatched} as an entry capture, ${atEvent.mismatched} at each event`);
});

test('two CPUs sharing each area (2 areas, 4 CPUs): after a difference the area index follows the kernel unless a later map set it', async () => {
  // A map decided differently is placed at the kernel's slots. The area's index stays where it is only when
  // another CPU's later map left it there (that map's lock came after); an index nothing explains had drifted.
  const r = await replayTraceFile(trace('mixed_areas_smp4'), { kernel: '6.12' });
  assert.equal(r.pool!.nareas, 2);
  assert.equal(r.maps, kernelCounts('mixed_areas_smp4').bounced);
  assert.ok(r.mismatched <= 9, `mismatched ${r.mismatched} (17 when any later map in the area kept the index)`);
  assert.equal(r.followed, r.mismatched);
});
