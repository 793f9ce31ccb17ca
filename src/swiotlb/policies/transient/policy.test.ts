import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createTransientPolicy } from './policy.js';
import { makeEnv, req, at, SEG_BYTES } from '../../dynamic/dyn-fixture.case.js';
import { DMA_FROM_DEVICE } from '../../constants.js';

runPolicyConformance('transient', createTransientPolicy);
runPolicyConformance('transient (1 MiB pool, transient pools on every overflow)', createTransientPolicy, { poolBytes: 1 << 20, seeds: 3 });
runPolicyConformance('transient (6.6.0)', createTransientPolicy, { kernel: '6.6.0', poolBytes: 1 << 20, seeds: 3, confidential: false });

/** Boot a 512-slot pool and fill it with four 128-slot mappings. */
function fullPool(o: Parameters<typeof makeEnv>[0] = {}) {
  const { machine, env } = makeEnv(o);
  const p = createTransientPolicy(env);
  const dev = machine.addDevice({ name: 'dev' });
  const fill = [0, 1, 2, 3].map((i) => p.map(req(dev, 0x1000_0000 + i * SEG_BYTES, SEG_BYTES), at(0)));
  assert.ok(fill.every((t) => t >= 0));
  return { machine, env, p, dev, fill };
}

test('policy transient: a mapping the full pool cannot hold gets its own pool, freed at unmap (pools back to 1, memory returned)', () => {
  const { machine, p, dev } = fullPool();
  const free0 = machine.counters().pages.pagesFree;
  const meter = () => [p.meter.pageAllocs, p.meter.pagesAllocated, p.meter.kmallocs, p.meter.bytesCopied];
  const m0 = meter();
  const tlb = p.map(req(dev, 0x2000_0000, 4096, DMA_FROM_DEVICE), at(1, 10));
  assert.deepEqual(meter().map((v, i) => v - m0[i]!), [2, 2, 1, 4096], 'the meter prices the map: two pages, one descriptor, one copy');
  assert.ok(tlb >= 0);
  const pool = p.dyn.devs.get(dev.id)!.pools[0]!;
  assert.equal(pool.transient, true);
  assert.equal(pool.nslabs, 2, 'exactly nr_slots(4096)');
  assert.equal(pool.nareas, 1);
  assert.ok(tlb >= pool.start && tlb + 4096 <= pool.end);
  assert.equal(p.stats(10).pools, 2);
  assert.deepEqual(p.debugfs(), { io_tlb_nslabs: 512, io_tlb_used: 514, io_tlb_used_hiwater: 514, io_tlb_transient_nslabs: 2 });
  assert.ok(p.isBounceBuffer(dev, tlb));

  p.unmap(dev, tlb, 4096, DMA_FROM_DEVICE, 0, at(1, 20));
  const s = p.stats(30);
  assert.equal(s.pools, 1);
  assert.equal(s.reservedBytes, 1 << 20);
  assert.equal(s.peakReservedBytes, (1 << 20) + 4096, 'one page block for two slots');
  assert.equal(s.reservedByteNs, (1 << 20) * 30 + 4096 * 10);
  assert.equal(s.pageAllocs, 2, 'buffer and slot array');
  assert.equal(s.pageFrees, 2);
  assert.deepEqual(machine.counters().pages.pagesFree, free0, 'every page returned');
  assert.deepEqual(p.debugfs(), { io_tlb_nslabs: 512, io_tlb_used: 512, io_tlb_used_hiwater: 514, io_tlb_transient_nslabs: 0 });
  assert.equal(p.isBounceBuffer(dev, tlb), false);
  assert.equal(p.tick(1e9), Infinity, 'no background growth');
});

test('policy transient: the pool sits below min_not_zero(dma_mask, bus_dma_limit) (a 24-bit device gets ZONE_DMA)', () => {
  const { machine, p } = fullPool();
  const isa = machine.addDevice({ name: 'isa', dmaMask: 2 ** 24 - 1 });
  const tlb = p.map(req(isa, 0x2000_0000, 8192), at(0));
  assert.ok(tlb >= 0 && tlb + 8192 - 1 <= 2 ** 24 - 1);
  const bus = machine.addDevice({ name: 'bus', busDmaLimit: 2 ** 30 - 1 });
  const t2 = p.map(req(bus, 0x2000_0000, 8192), at(0));
  assert.ok(t2 >= 0 && t2 + 8192 - 1 <= 2 ** 30 - 1);
});

test('policy transient: in a confidential VM a transient pool takes shared memory from the atomic pools, so it costs no hypercall of its own', () => {
  const { p, dev, machine } = fullPool({ confidential: true });
  assert.equal(p.stats(0).hypercalls, 1, 'the boot pool was shared once (filling the atomic pools is not the design\'s cost)');
  const tlb = p.map(req(dev, 0x2000_0000, 6000), at(0));
  assert.ok(tlb >= 0);
  assert.equal(machine.encryption.isShared(tlb, 6000), true);
  const c = p.dynCounters();
  assert.deepEqual([p.stats(0).hypercalls, c.atomicPoolAllocs, c.transientCreated], [1, 1, 1]);
  // The allocation left the atomic pool below its boot size: its refill work, when it runs while the
  // memory is still out, shares one more block.
  const due = p.tick(1);
  assert.ok(due > 1 && due < Infinity);
  assert.equal(p.tick(due), Infinity);
  assert.equal(p.stats(due).hypercalls, 2);
  p.unmap(dev, tlb, 6000, DMA_FROM_DEVICE, 0, at(due));
  assert.equal(p.stats(due).hypercalls, 2, 'given back to the atomic pool, not made private');
});

test('policy transient: a transient pool whose only slot is misaligned is allocated, searched and freed at once', () => {
  const { p, machine } = fullPool();
  const nvme = machine.addDevice({ name: 'nvme', minAlignMask: 0xfff });
  // orig in the upper half of a page needs an odd first slot; the pool has exactly one slot.
  assert.equal(p.map(req(nvme, 0x2000_0800, 2048), at(0)), -1);
  const c = p.dynCounters();
  assert.deepEqual([c.transientUseless, c.transientCreated, c.pageAllocs, c.pageFrees], [1, 0, 2, 2]);
  assert.equal(p.lastFailure?.code, 'no_space');
  assert.equal(p.stats(0).pools, 1);
});

test('policy transient: can_grow false leaves the fixed pool alone', () => {
  const { machine, env } = makeEnv();
  const p = createTransientPolicy(env, { canGrow: false });
  const dev = machine.addDevice({ name: 'dev' });
  for (let i = 0; i < 4; i++) assert.ok(p.map(req(dev, 0x1000_0000 + i * SEG_BYTES, SEG_BYTES), at(0)) >= 0);
  assert.equal(p.map(req(dev, 0x2000_0000, 4096), at(0)), -1);
  assert.equal(p.lastFailure?.code, 'no_space');
  assert.equal(p.stats(0).pageAllocs, 0);
});

test('policy transient: a kernel without CONFIG_SWIOTLB_DYNAMIC is refused', () => {
  const { env } = makeEnv({ kernel: '6.1' });
  assert.throws(() => createTransientPolicy(env), { code: 'unsupported_kernel' });
});
