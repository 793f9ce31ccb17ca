import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createHighmemPolicy } from './policy.js';
import { highNslabs } from './high-pool.js';
import { makeEnv, req, at, SEG_BYTES } from '../../dynamic/dyn-fixture.case.js';
import { DMA_FROM_DEVICE } from '../../constants.js';

runPolicyConformance('highmem', createHighmemPolicy);
runPolicyConformance('highmem (6.1)', (env) => createHighmemPolicy(env, { highBytes: 8 << 20 }), { kernel: '6.1', seeds: 3, confidential: false });

const GiB = 1024 ** 3;

/** The RFC's example: a 16 GiB guest, 64 MiB low pool, 6 GiB high pool. */
function rfcMachine(confidential = false) {
  const { machine, env } = makeEnv({ ramBytes: 16 * GiB, poolBytes: 64 << 20, nareas: 4, confidential });
  const p = createHighmemPolicy(env, { highBytes: 6 * GiB });
  return { machine, p };
}

test('policy highmem: the 6 GiB pool sits at the top of RAM, above 4 GiB; the low pool below 4 GiB', () => {
  const { p } = rfcMachine();
  const hi = p.high!.pools[0]!;
  const lo = p.low.pools[0]!;
  assert.deepEqual([hi.start, hi.end, hi.nslabs, hi.nareas], [10 * GiB, 16 * GiB, 3145728, 4]);
  assert.ok(lo.end <= 4 * GiB);
  const s = p.stats(0);
  assert.deepEqual([s.pools, s.reservedBytes], [2, 6 * GiB + (64 << 20)]);
});

test('policy highmem: a 64-bit device maps through the high pool, a 32-bit device through the low pool', () => {
  const { machine, p } = rfcMachine();
  const virtio = machine.addDevice({ name: 'virtio-blk' });
  const ahci = machine.addDevice({ name: 'ahci', dmaMask: 2 ** 32 - 1 });
  const wide = machine.addDevice({ name: 'wide', dmaMask: 2 ** 36 - 1 }); // 64 GiB reach: covers the pool end
  const short = machine.addDevice({ name: 'short', dmaMask: 2 ** 33 - 1 }); // 8 GiB: does not
  const hi = p.high!.pools[0]!;
  const lo = p.low.pools[0]!;
  const inPool = (t: number, pool: typeof hi) => t >= pool.start && t < pool.end;
  const tv = p.map(req(virtio, 0x1000_0000, SEG_BYTES), at(0));
  const ta = p.map(req(ahci, 0x1000_0000, 4096), at(1));
  assert.ok(inPool(tv, hi));
  assert.ok(inPool(ta, lo));
  assert.ok(inPool(p.map(req(wide, 0x1100_0000, 4096), at(0)), hi));
  assert.ok(inPool(p.map(req(short, 0x1100_0000, 4096), at(0)), lo));
  assert.equal(p.isBounceBuffer(ahci, tv), false, "the low pool's device does not see the high pool");
  assert.deepEqual(p.debugfs(), {
    swiotlb: { io_tlb_nslabs: 32768, io_tlb_used: 4, io_tlb_used_hiwater: 4, io_tlb_transient_nslabs: 0 },
    'swiotlb-hi': { io_tlb_nslabs: 3145728, io_tlb_used: 130, io_tlb_used_hiwater: 130, io_tlb_transient_nslabs: 0 },
  });
  p.unmap(virtio, tv, SEG_BYTES, DMA_FROM_DEVICE, 0, at(0));
  assert.equal(p.debugfs()['swiotlb-hi']!.io_tlb_used, 2);
  assert.equal(p.debugfs()['swiotlb-hi']!.io_tlb_used_hiwater, 130);
});

test('policy highmem: no fallback between pools: a full low pool fails its devices while the high pool is empty', () => {
  const { machine, env } = makeEnv({ ramBytes: 8 * GiB, poolBytes: 1 << 20 });
  const p = createHighmemPolicy(env, { highBytes: 1 * GiB });
  const dev32 = machine.addDevice({ name: 'dev32', dmaMask: 2 ** 32 - 1 });
  for (let i = 0; i < 4; i++) assert.ok(p.map(req(dev32, 0x1000_0000 + i * SEG_BYTES, SEG_BYTES), at(0)) >= 0);
  assert.equal(p.map(req(dev32, 0x2000_0000, 4096), at(0)), -1);
  assert.equal(p.lastFailure?.code, 'no_space');
  assert.equal(p.low.log.at(-1), 'dev32: swiotlb buffer is full (sz: 4096 bytes), total 512 (slots), used 512 (slots)');
  assert.equal(p.high!.totalUsed, 0);
});

test('policy highmem: in a confidential VM both pools are shared once at boot', () => {
  const { p } = rfcMachine(true);
  assert.deepEqual([p.stats(0).hypercalls, p.stats(0).sharedPages], [2, (6 * GiB + (64 << 20)) / 4096]);
  assert.deepEqual([p.meter.hypercalls, p.meter.pageAllocs], [2, 0], 'the meter sees the boot shares; pools never touch the page allocator');
});

test('policy highmem: the high size is rounded up to 128 slots; 0 means no high pool', () => {
  assert.deepEqual([0, 1, 2048, 256 << 10, (256 << 10) + 1].map(highNslabs), [0, 128, 128, 128, 256]);
  const { machine, env } = makeEnv();
  const p = createHighmemPolicy(env, { highBytes: 0 });
  assert.equal(p.high, null);
  assert.equal(p.memFor(machine.addDevice({ name: 'd' })), p.low);
  assert.deepEqual(Object.keys(p.debugfs()), ['swiotlb']);
});
