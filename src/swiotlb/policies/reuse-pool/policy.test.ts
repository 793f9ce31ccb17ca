import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createReusePoolPolicy, type ReusePoolPolicy } from './policy.js';
import type { ReusePoolOptions } from './options.js';
import { createMachine, type Machine } from '../../../machine/machine.js';
import type { Device } from '../../../machine/device.js';
import { getProfile } from '../../profiles.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../../constants.js';

/**
 * The shared suite treats a bounce buffer as one contiguous range (the device
 * writes `size` bytes at tlb; spans [tlb, tlb + size) must not overlap; the
 * last byte must be a bounce address). A page-list buffer is not contiguous,
 * so the suite runs the design with contiguous placement; scatter.test.ts
 * runs the same kind of sequence through segments() with the real placement.
 */
runPolicyConformance('reuse-pool', (env) => createReusePoolPolicy(env, { placement: 'contiguous' }));

const KiB = 1024;
const MiB = 1024 * KiB;
const S = 1e9;
const ORIG = 0x1000_0000;

function setup(o: ReusePoolOptions = {}, confidential = true, memory: 'bytes' | 'accounting' = 'accounting'): { machine: Machine; p: ReusePoolPolicy; dev: Device } {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory, confidential });
  const p = createReusePoolPolicy({ machine, profile: getProfile('6.12'), cpus: 2, poolBytes: 0, nareas: 1, forceBounce: true, confidential }, o);
  return { machine, p, dev: machine.addDevice({ name: 'storvsc' }) };
}

const sleep = (now: number) => ({ cpu: 0, maySleep: true, now });
const atomic = (now: number) => ({ cpu: 0, maySleep: false, now });
const req = (dev: Device, size: number, orig = ORIG) => ({ dev, orig, size, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 } as const);

test('policy reuse-pool: unmap then map of the same size on the same device reuses the pages: no allocation, no hypercall', () => {
  const { p, dev, machine } = setup();
  const a = p.map(req(dev, 64 * KiB), sleep(0));
  assert.deepEqual([p.stats(0).pageAllocs, p.stats(0).hypercalls, p.stats(0).sharedPages], [64, 1, 64], 'one batch of 64 pages, one hypercall');
  const pagesA = p.segments(a).map((s) => s.addr);
  p.unmap(dev, a, 64 * KiB, DMA_TO_DEVICE, 0, sleep(1));
  const b = p.map(req(dev, 64 * KiB, ORIG + 0x100000), sleep(2));
  const s = p.stats(2);
  assert.deepEqual([s.pageAllocs, s.pageFrees, s.hypercalls], [64, 0, 1], 'nothing new');
  assert.deepEqual(p.segments(b).map((x) => x.addr), pagesA, 'the very same pages');
  assert.equal(s.reservedBytes, 64 * 4096);
  assert.equal(s.inUseBytes, 16 * 4096);
  const other = machine.addDevice({ name: 'netvsc' });
  p.map(req(other, 4 * KiB), sleep(3));
  assert.equal(p.stats(3).pageAllocs, 128, 'another device does not take them: pools are per device');
  assert.equal(p.stats(3).pools, 2);
});

test('policy reuse-pool: decay trims pages idle for 30 s at the 30 s job, down to the reserve, unsharing them', () => {
  const { p, dev, machine } = setup({ reserveBytes: (d) => (d.name === 'storvsc' ? 256 * KiB : 0) });
  const a = p.map(req(dev, 1 * MiB), sleep(0)); // 256 pages: 4 batches
  p.unmap(dev, a, 1 * MiB, DMA_TO_DEVICE, 0, sleep(1 * S));
  assert.equal(p.tick(29 * S), 30 * S, 'the job runs every 30 s');
  assert.equal(p.tick(30 * S), 60 * S);
  assert.equal(p.stats(30 * S).pageFrees, 0, 'idle 29 s: kept');
  assert.equal(p.tick(60 * S), 90 * S);
  const s = p.stats(90 * S);
  assert.equal(s.pageFrees, 192, 'idle 59 s: trimmed down to the 64-page reserve');
  assert.equal(s.reservedBytes, 64 * 4096);
  assert.equal(s.hypercalls, 4 + 3, 'four shares, then three unshares of at most 64 pages');
  assert.equal(machine.encryption.sharedPages, 64, 'trimmed pages are private again');
  assert.equal(s.peakReservedBytes, 1 * MiB);
  assert.equal(s.reservedByteNs, 1 * MiB * 60 * S + 256 * KiB * 30 * S, 'reserved bytes integrated over simulated time');
  p.tick(120 * S);
  assert.equal(p.stats(120 * S).reservedBytes, 64 * 4096, 'the reserve stays however long it idles');
});

test('policy reuse-pool: batched sharing: N new pages cost ceil(N/64) hypercalls; an unaligned buffer takes one page more', () => {
  const { p, dev } = setup();
  p.map(req(dev, 200 * 4096), sleep(0));
  let s = p.stats(0);
  assert.deepEqual([s.pageAllocs, s.hypercalls, s.sharedPages, s.inUseBytes], [256, 4, 256, 200 * 4096]);
  p.map(req(dev, 200 * 4096, ORIG + 0x1000010), sleep(0));
  s = p.stats(0);
  assert.equal(s.inUseBytes, 401 * 4096, '201 pages for a buffer 16 bytes into its page');
  assert.deepEqual([s.pageAllocs, s.hypercalls], [448, 7], '56 cached pages, then 145 new: three more batches');
  assert.equal(p.meter.copies, 200 + 201, 'copies go page by page');
});

test('policy reuse-pool: an 8 MiB and a 34 MiB frame bounce for a display behind a 1 GiB bus, data intact', () => {
  const { p, machine } = setup({}, true, 'bytes');
  const display = machine.addDevice({ name: 'display', dmaMask: 2 ** 30 - 1 });
  const frame = new Uint8Array(8 * MiB);
  for (let i = 0; i < frame.length; i += 4096) frame[i] = (i >>> 12) & 0xff;
  machine.memory.write(0x5000_0000, frame);
  const fhd = p.map({ dev: display, orig: 0x5000_0000, size: 8 * MiB, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(0));
  assert.ok(fhd >= 0);
  let s = p.stats(0);
  assert.deepEqual([s.pageAllocs, s.hypercalls, s.inUseBytes], [2048, 32, 8 * MiB]);
  const segs = p.segments(fhd);
  assert.equal(segs.length, 2048);
  assert.ok(segs.every((g) => g.addr + g.len <= 2 ** 30), 'every page below the bus limit');
  let pos = 0;
  for (const g of segs) {
    assert.ok(machine.memory.read(g.addr, g.len).every((v, i) => v === frame[pos + i]), `page at ${pos} holds the frame`);
    pos += g.len;
  }
  const uhd = p.map({ dev: display, orig: 0x6000_0000, size: 34 * MiB, allocAlignMask: 0, dir: DMA_FROM_DEVICE, attrs: 0 }, sleep(1));
  assert.ok(uhd >= 0, '34 MiB: no 256 KiB limit');
  s = p.stats(1);
  assert.deepEqual([s.pageAllocs, s.hypercalls, s.sharedPages, s.inUseBytes], [2048 + 8704, 32 + 136, 10752, 42 * MiB]);
  assert.equal(s.mapFailures, 0);
  assert.equal(p.maxMappingSize(display), 64 * MiB);
  const last = p.segments(uhd).at(-1)!;
  machine.memory.write(last.addr + last.len - 3, Uint8Array.of(7, 8, 9)); // the device writes the frame's last bytes
  p.unmap(display, uhd, 34 * MiB, DMA_FROM_DEVICE, 0, sleep(2));
  assert.deepEqual(machine.memory.read(0x6000_0000 + 34 * MiB - 3, 3), Uint8Array.of(7, 8, 9), 'unmap copied back from the last page');
});

test('policy reuse-pool: an atomic caller in a confidential VM uses cached pages or fails with would_block', () => {
  const { p, dev } = setup();
  assert.equal(p.map(req(dev, 8 * KiB), atomic(0)), -1);
  assert.deepEqual(p.lastFailure, { code: 'would_block', size: 8 * KiB });
  assert.equal(p.stats(0).pageAllocs, 0);
  assert.ok(p.reserve(dev, 4 * 4096, sleep(1)), 'a probe-time reserve (one batch)');
  assert.ok(p.map(req(dev, 8 * KiB), atomic(2)) >= 0, 'the cached pages serve it');
  assert.equal(p.stats(2).pageAllocs, 64);
  const probed = setup({ reserveBytes: () => 4 * 4096 });
  assert.ok(probed.p.map(req(probed.dev, 8 * KiB), atomic(0)) >= 0, 'a configured reserve is there from the device\'s first call');
  assert.deepEqual([probed.p.stats(0).pageAllocs, probed.p.stats(0).reservedBytes], [64, 64 * 4096]);
  const plain = setup({}, false);
  assert.ok(plain.p.map(req(plain.dev, 8 * KiB), atomic(0)) >= 0, 'outside a confidential VM atomic callers allocate (GFP_ATOMIC)');
  assert.equal(plain.p.stats(0).hypercalls, 0);
});
