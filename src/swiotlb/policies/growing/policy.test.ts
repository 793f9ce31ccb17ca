import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createGrowingPolicy, type GrowingPolicyOptions } from './policy.js';
import { makeEnv, req, at, SEG_BYTES, type FixtureOptions } from '../../dynamic/dyn-fixture.case.js';
import { DMA_FROM_DEVICE } from '../../constants.js';

runPolicyConformance('growing', createGrowingPolicy);
runPolicyConformance('growing (1 MiB pool, grows often)', createGrowingPolicy, { poolBytes: 1 << 20, seeds: 3 });
runPolicyConformance('growing (6.6.0, pool-major)', createGrowingPolicy, { kernel: '6.6.0', poolBytes: 1 << 20, seeds: 3, confidential: false });

const LAT = 1_000_000;

/** Boot, fill the boot pool with 128-slot maps (one per area when areas hold 128 slots), and return a trigger. */
function filled(f: FixtureOptions, o: GrowingPolicyOptions = {}) {
  const { machine, env } = makeEnv(f);
  const p = createGrowingPolicy(env, o);
  const dev = machine.addDevice({ name: 'dev' });
  const segs = env.poolBytes / SEG_BYTES;
  let next = (f.ramBytes ?? 2 ** 31) < 2 ** 30 ? 0x40_0000 : 0x1000_0000; // originals inside RAM
  const fill = (n: number, cpu = 0, now = 0) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++, next += SEG_BYTES) out.push(p.map(req(dev, next, SEG_BYTES), at(cpu, now)));
    assert.ok(out.every((t) => t >= 0), 'fill maps succeed');
    return out;
  };
  const boot = fill(segs);
  return { machine, env, p, dev, fill, boot };
}

test('policy growing: a failed search queues the worker and a transient pool covers the gap; the grown pool has the capped size and limit_nareas areas', () => {
  const { p, dev, fill } = filled({ poolBytes: 8 << 20, nareas: 32 });
  const t = p.map(req(dev, 0x3000_0000, 4096, DMA_FROM_DEVICE), at(5, 100));
  assert.ok(t >= 0);
  assert.equal(p.dyn.devs.get(dev.id)!.pools.length, 1, 'served by a transient pool');
  assert.equal(p.tick(500), 100 + LAT, 'the worker runs one latency later');
  assert.equal(p.mem.pools.length, 1);
  assert.equal(p.tick(100 + LAT), Infinity);
  const grown = p.mem.pools[0]!;
  assert.deepEqual([grown.nslabs, grown.nareas, grown.transient], [2048, 16, false], 'min(4096, 2048) slots, limit_nareas(32, 2048) areas');
  assert.ok(grown.end - 1 <= 0xffff_ffff, 'below phys_limit');
  assert.equal(p.debugfs().io_tlb_nslabs, 4096 + 2048);
  const [inGrown] = fill(1, 3, 2e6);
  assert.ok(inGrown! >= grown.start && inGrown! < grown.end, 'a search after growth finds room in the grown pool');
});

test('policy growing: grown pools are never freed, even when empty', () => {
  const { p, dev, fill, boot } = filled({ poolBytes: 1 << 20 });
  const t = p.map(req(dev, 0x3000_0000, 4096), at(0, 0));
  p.tick(LAT);
  const more = fill(4, 0, LAT);
  for (const x of [...boot, ...more]) p.unmap(dev, x, SEG_BYTES, DMA_FROM_DEVICE, 0, at(0, 2 * LAT));
  p.unmap(dev, t, 4096, DMA_FROM_DEVICE, 0, at(0, 2 * LAT));
  p.tick(1e12);
  const s = p.stats(3 * LAT);
  assert.deepEqual([s.pools, s.inUseBytes, s.reservedBytes], [2, 0, 2 << 20]);
  assert.equal(s.reservedByteNs, (1 << 20) * 3 * LAT + (1 << 20) * 2 * LAT + 4096 * 2 * LAT, 'boot pool, grown pool from its run, transient page until unmap');
});

test('policy growing: one work item: failures while it is pending queue nothing more', () => {
  const { p, dev } = filled({ poolBytes: 1 << 20 });
  p.map(req(dev, 0x3000_0000, 4096), at(0, 0));
  p.map(req(dev, 0x3001_0000, 4096), at(0, 10));
  assert.equal(p.tick(20), LAT);
  p.tick(LAT + 10);
  const c = p.dynCounters();
  assert.deepEqual([c.growthScheduled, c.growthRuns, c.growthPoolsAdded], [2, 1, 1]);
});

test('policy growing: no order-10 block free: the worker halves to 1024 slots, areas limit_nareas(16, 1024) = 8', () => {
  const { machine, p, dev } = filled({ ramBytes: 64 << 20, poolBytes: 4 << 20, nareas: 16 });
  p.map(req(dev, 0x0100_0000, 4096), at(0, 0)); // transient pool; worker queued
  const blocks: number[] = [];
  for (let a = machine.pages.alloc({ order: 10, zone: 'dma32', maySleep: false }); a >= 0; a = machine.pages.alloc({ order: 10, zone: 'dma32', maySleep: false })) blocks.push(a);
  machine.pages.free(blocks.pop()!, 10);
  assert.ok(machine.pages.alloc({ order: 9, zone: 'dma', maySleep: false }) >= 0, 'half of the last block taken');
  p.tick(LAT);
  const grown = p.mem.pools[0]!;
  assert.deepEqual([grown.nslabs, grown.nareas], [1024, 8]);
  const c = p.dynCounters();
  assert.deepEqual([c.growthPoolsAdded, c.pageAllocFailures], [1, 1], 'the 2048-slot attempt was refused once');
});

test('policy growing: nothing below 512 slots: the worker gives up with the kernel message', () => {
  const { machine, p, dev } = filled({ ramBytes: 64 << 20, poolBytes: 4 << 20, nareas: 4 });
  p.map(req(dev, 0x0100_0000, 4096), at(0, 0));
  while (machine.pages.alloc({ order: 0, zone: 'dma32', maySleep: false }) >= 0);
  p.tick(LAT);
  const c = p.dynCounters();
  assert.deepEqual([c.growthRuns, c.growthFailures, c.pageAllocFailures], [1, 1, 3], '2048, 1024, 512 slots refused');
  assert.equal(p.mem.log.at(-1), 'software IO TLB: Failed to allocate new pool');
  assert.equal(p.mem.pools.length, 1);
});

test('policy growing: the cap (a share of RAM) stops growth; transient pools still cover failures', () => {
  const { p, dev, fill } = filled({ poolBytes: 4 << 20 }, { growthCap: 8 / 2048 }); // 8 MiB of 2 GiB
  p.map(req(dev, 0x3000_0000, 4096), at(0, 0));
  p.tick(LAT);
  assert.equal(p.mem.pools.length, 2);
  fill(16, 0, LAT);
  assert.ok(p.map(req(dev, 0x3001_0000, 4096), at(0, LAT)) >= 0, 'a transient pool');
  p.tick(2 * LAT + 10);
  const c = p.dynCounters();
  assert.deepEqual([p.mem.pools.length, c.growthCapRefusals, c.growthFailures], [2, 3, 1]);
  assert.equal(p.debugfs().io_tlb_nslabs, 4096);
});

test('policy growing: phys_limit places grown pools (default below 4 GiB; highest RAM: ZONE_NORMAL)', () => {
  for (const [physLimit, above] of [[undefined, false], [8 * 1024 ** 3 - 1, true]] as const) {
    const { p, dev } = filled({ ramBytes: 8 * 1024 ** 3, poolBytes: 1 << 20 }, physLimit === undefined ? {} : { physLimit });
    p.map(req(dev, 0x3000_0000, 4096), at(0, 0));
    p.tick(LAT);
    assert.equal(p.mem.pools[0]!.start >= 4 * 1024 ** 3, above);
  }
});

test('policy growing: in a confidential VM a grown pool is shared once and never made private; the transient pool came from the atomic pools', () => {
  const { machine, p, dev } = filled({ poolBytes: 1 << 20, confidential: true });
  const t = p.map(req(dev, 0x3000_0000, 4096), at(0, 0));
  p.tick(LAT);
  p.unmap(dev, t, 4096, DMA_FROM_DEVICE, 0, at(0, LAT));
  const e = machine.encryption.counters();
  // Shared: the boot pool, the grown pool, and the atomic pool's refill after the transient pool took
  // memory from it (its three boot blocks are every confidential kernel's, not the design's); never unshared.
  assert.deepEqual([e.setPrivateCalls, p.stats(LAT).hypercalls, p.dynCounters().atomicPoolAllocs], [0, 3, 1]);
});
