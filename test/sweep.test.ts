import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSweep, mergeSweeps } from '../src/lab/sweep/sweep.js';
import { parseAxis } from '../src/lab/sweep/grid.js';

const base = { durationMs: 15, workload: { name: 'nvme-randread', knobs: { iodepth: 8 } } };
const axes = [parseAxis('policy=fixed|growing'), parseAxis('cmdline=swiotlb=1024,force|swiotlb=8192,force')];

test('sweep gives byte-identical JSON with 1 and 2 workers, and as two merged shards', async () => {
  const one = JSON.stringify(await runSweep({ base, axes, workers: 1, shard: { index: 1, count: 1 } }));
  const two = JSON.stringify(await runSweep({ base, axes, workers: 2, shard: { index: 1, count: 1 } }));
  assert.equal(one, two);
  // Every point on threads (two of them, two points in flight each), and the progress count is exact.
  let done = 0;
  const threads = JSON.stringify(await runSweep({ base, axes, workers: 2, shard: { index: 1, count: 1 }, mainThreadRuns: false, progress: (d) => (done = d) }));
  assert.equal(threads, one);
  assert.equal(done, 4);
  const a = await runSweep({ base, axes, workers: 1, shard: { index: 1, count: 2 } });
  const b = await runSweep({ base, axes, workers: 1, shard: { index: 2, count: 2 } });
  assert.equal(a.points.length + b.points.length, 4);
  assert.equal(JSON.stringify(mergeSweeps([b, a])), one);
  assert.throws(() => mergeSweeps([a]), /some shards are missing/);
  assert.throws(() => mergeSweeps([a, a]), /appears in two shards/);
});

test('sweep reports an unusable point as data and goes on, on this thread and on worker threads', async () => {
  const axes1 = [parseAxis('policy=fixed|no-such-policy')];
  for (const o of [{ workers: 1 }, { workers: 2, mainThreadRuns: false }]) {
    const r = await runSweep({ base, axes: axes1, shard: { index: 1, count: 1 }, ...o });
    assert.equal(r.points[0]!.outcome.ok, true);
    assert.deepEqual(r.points[1]!.outcome, { ok: false, error: "Unknown policy 'no-such-policy': expected one of fixed, mru-list, transient, growing, highmem, reuse-pool, throttle, defer" });
  }
});

test('a shard with no points of its own gives an empty result, whatever the workers', async () => {
  const r = await runSweep({ base, axes: [parseAxis('policy=fixed')], workers: 4, shard: { index: 2, count: 2 } });
  assert.equal(r.total, 1);
  assert.deepEqual(r.points, []);
});
