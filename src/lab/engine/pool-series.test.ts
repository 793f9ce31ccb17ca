import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PoolSeries, TRANSIENT_SERIES } from './pool-series.js';
import type { IoTlbPool } from '../../swiotlb/pool.js';
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';
import { LevelSeries } from './time-series.js';

/** A pool as the series reads it: id, transient flag and per-area use. */
function pool(id: number, slotsUsed: number, transient = false): IoTlbPool {
  return { id, transient, nareas: 1, areaUsed: Int32Array.of(slotsUsed) } as unknown as IoTlbPool;
}

/** The series' rule, spelled out: every series known so far gets a level at every sample (0 once its pool is gone). */
function reference(samples: [number, IoTlbPool[]][], end: number): Record<string, unknown> {
  const series = new Map<string, LevelSeries>();
  for (const [t, pools] of samples) {
    const level = new Map<string, number>([...series.keys()].map((k) => [k, 0]));
    for (const p of pools) {
      const k = p.transient ? TRANSIENT_SERIES : `pool ${p.id}`;
      level.set(k, (level.get(k) ?? 0) + p.areaUsed[0]! * IO_TLB_SIZE);
    }
    for (const [k, v] of level) {
      if (!series.has(k)) series.set(k, new LevelSeries(10));
      series.get(k)!.set(t, v);
    }
  }
  return Object.fromEntries([...series].map(([k, s]) => [k, s.finish(end)]));
}

test('pool series follow pools that stay, appear, go and come and go as transients', () => {
  const p1 = pool(1, 3);
  const p1later = pool(1, 5);
  const samples: [number, IoTlbPool[]][] = [
    [0, [p1]],
    [10, [p1later]], // same pools: the remembered fast path
    [15, [pool(3, 2)]], // as many pools, another one
    [20, [p1later, pool(2, 7)]], // a pool grown
    [30, [p1later, pool(2, 8)]],
    [40, [p1later]], // pool 2 gone: drops to 0
    [50, [p1later]],
    [60, [p1later, pool(9, 2, true), pool(10, 4, true)]], // transients sum into one series
    [70, [p1later]],
    [80, [p1later]],
    [90, [pool(1, 1)]],
  ];
  const s = new PoolSeries(10);
  for (const [t, pools] of samples) s.sample(t, pools);
  const got = s.finish(110);
  assert.deepEqual(got, reference(samples, 110));
  assert.deepEqual(Object.keys(got), ['pool 1', 'pool 3', 'pool 2', TRANSIENT_SERIES]);
  assert.equal(got['pool 1']!.at(-1)!.max, IO_TLB_SIZE);
  assert.equal(got['pool 3']!.at(-1)!.max, 0);
  assert.equal(got['pool 2']!.at(-1)!.max, 0);
});
