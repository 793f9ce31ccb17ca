import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGrowingPolicy, type GrowingPolicy } from './policy.js';
import { makeEnv, req, at, SEG_BYTES } from '../../dynamic/dyn-fixture.case.js';
import type { IoTlbPool } from '../../pool.js';

const LAT = 1_000_000;

/**
 * Spec §3.2's example: pools [P2, P1, defpool], 4 areas each, all full.
 * Boot a 2048-slot pool with 4 areas, grow twice, fill every pool.
 */
function threeFullPools(kernel: string): { p: GrowingPolicy; map: (cpu: number) => number } {
  const { machine, env } = makeEnv({ kernel, poolBytes: 4 << 20, nareas: 4 });
  const p = createGrowingPolicy(env);
  const dev = machine.addDevice({ name: 'dev' });
  let orig = 0x1000_0000;
  let now = 0;
  const map = (cpu: number, size = SEG_BYTES): number => p.map(req(dev, (orig += SEG_BYTES), size), at(cpu, now));
  for (let pool = 0; pool < 3; pool++) {
    for (let i = 0; i < 16; i++) assert.ok(map(i & 3) >= 0);
    assert.equal(p.dyn.devs.get(dev.id)?.pools.length ?? 0, pool, 'every fill map found room in a pool');
    if (pool < 2) {
      assert.ok(map(0, 4096) >= 0, 'overflow into a transient pool');
      now += LAT;
      p.tick(now);
    }
  }
  assert.deepEqual(p.mem.pools.map((x) => x.nareas), [4, 4, 4]);
  return { p, map: (cpu) => map(cpu, 4096) };
}

/** The areas a map tries in non-transient pools, as 'P2.a2' labels. */
function triedAreas(kernel: string, cpu: number): string[] {
  const { p, map } = threeFullPools(kernel);
  const [p2, p1, def] = p.mem.pools as [IoTlbPool, IoTlbPool, IoTlbPool];
  const name = new Map([[p2, 'P2'], [p1, 'P1'], [def, 'def']]);
  const tried: string[] = [];
  p.mem.observer = { areaTried: (pool, area) => void (pool.transient || tried.push(`${name.get(pool)}.a${area}`)) };
  assert.ok(map(cpu) >= 0, 'a transient pool after every area failed');
  return tried;
}

test('policy growing: 6.8+ (profile 6.12) searches area-major: area k of every pool, newest first, before area k+1 (spec §3.2 example, cpu 6)', () => {
  assert.deepEqual(triedAreas('6.12', 6), [
    'P2.a2', 'P1.a2', 'def.a2',
    'P2.a3', 'P1.a3', 'def.a3',
    'P2.a0', 'P1.a0', 'def.a0',
    'P2.a1', 'P1.a1', 'def.a1',
  ]);
});

test('policy growing: 6.6 - 6.7 (profile 6.6.0) searches pool-major: each pool newest first, its whole area loop', () => {
  assert.deepEqual(triedAreas('6.6.0', 6), [
    'P2.a2', 'P2.a3', 'P2.a0', 'P2.a1',
    'P1.a2', 'P1.a3', 'P1.a0', 'P1.a1',
    'def.a2', 'def.a3', 'def.a0', 'def.a1',
  ]);
});

test('policy growing: area-major skips pools with fewer areas for large k', () => {
  // Boot pool of 8192 slots, 8 areas; a grown pool is capped at 2048 slots with limit_nareas(8, 2048) = 8 areas,
  // so use 32 areas: the boot pool keeps 32, the grown pool gets 16.
  const { machine, env } = makeEnv({ poolBytes: 8 << 20, nareas: 32 });
  const p = createGrowingPolicy(env);
  const dev = machine.addDevice({ name: 'dev' });
  for (let i = 0; i < 32; i++) assert.ok(p.map(req(dev, 0x1000_0000 + i * SEG_BYTES, SEG_BYTES), at(0)) >= 0);
  p.map(req(dev, 0x2000_0000, 4096), at(0));
  p.tick(LAT);
  const [grown, boot] = p.mem.pools as [IoTlbPool, IoTlbPool];
  for (let i = 0; i < 16; i++) assert.ok(p.map(req(dev, 0x3000_0000 + i * SEG_BYTES, SEG_BYTES), at(0, LAT)) >= 0);
  const tried: string[] = [];
  p.mem.observer = { areaTried: (pool, area) => void (pool.transient || tried.push(`${pool === grown ? 'G' : pool === boot ? 'B' : '?'}${area}`)) };
  p.map(req(dev, 0x2001_0000, 4096), at(20, LAT));
  const expected: string[] = [];
  for (let k = 0; k < 32; k++) {
    if (k < 16) expected.push(`G${(20 + k) & 15}`);
    expected.push(`B${(20 + k) & 31}`);
  }
  assert.deepEqual(tried, expected);
});

test('policy growing: > 128 slots is rejected before growth on 6.12', () => {
  const { machine, env } = makeEnv({ kernel: '6.12' });
  const p = createGrowingPolicy(env);
  const dev = machine.addDevice({ name: 'dev' });
  let tried = 0;
  p.mem.observer = { areaTried: () => void tried++ };
  assert.equal(p.map(req(dev, 0x1000_0000, 300 << 10), at(0)), -1);
  assert.equal(p.lastFailure?.code, 'too_large');
  const c = p.dynCounters();
  assert.deepEqual([tried, c.growthScheduled, c.pageAllocs], [0, 0, 0]);
  assert.equal(p.tick(10 * LAT), Infinity);
});

test('policy growing: > 128 slots on 6.6.0 queues growth and allocates a useless transient pool (spec §5.2)', () => {
  const { machine, env } = makeEnv({ kernel: '6.6.0' });
  const p = createGrowingPolicy(env);
  const dev = machine.addDevice({ name: 'dev' });
  const free0 = machine.counters().pages.pagesFree;
  assert.equal(p.map(req(dev, 0x1000_0000, 300 << 10), at(0)), -1);
  assert.equal(p.lastFailure?.code, 'too_large');
  let c = p.dynCounters();
  assert.deepEqual([c.growthScheduled, c.transientUseless, c.transientCreated, c.pageAllocs, c.pageFrees], [1, 1, 0, 2, 2]);
  assert.deepEqual(machine.counters().pages.pagesFree, free0);
  assert.equal(p.tick(LAT), Infinity);
  c = p.dynCounters();
  assert.equal(c.growthPoolsAdded, 1, 'and a pool nobody needed');
  assert.equal(p.stats(LAT).pools, 2);
});
