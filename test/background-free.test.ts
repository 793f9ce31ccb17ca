/**
 * A design that says it has no background work lets the lab skip its tick()
 * and takeCompleted() after every event. The claim is checked here: with a
 * recorder attached the lab calls both after every event anyway, and each
 * call must find nothing to do; the results must be the same to the last bit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';
import { PerfettoRecorder } from '../src/lab/engine/perfetto.js';
import { policyEntries } from '../src/lab/policy-registry.js';
import { makeEnv } from '../src/swiotlb/dynamic/dyn-fixture.case.js';
import type { SwiotlbPolicy } from '../src/swiotlb/policy.js';

const WORKLOADS = [
  { name: 'nvme-randread', knobs: { iodepth: 64, jobs: 2, bs: 65536 } },
  { name: 'coco-burst', knobs: {} },
  { name: 'nic', knobs: {} },
];

test('a design without background work finds none at any event, and skipping the calls changes no result', () => {
  const declaring = policyEntries().filter((e) => e.factory(makeEnv({ kernel: '6.12', poolBytes: 1 << 20 }).env, {}).noBackgroundWork === true);
  assert.deepEqual(declaring.map((e) => e.name).sort(), ['fixed', 'highmem', 'mru-list', 'throttle']);
  for (const entry of declaring) {
    const proto = Object.getPrototypeOf(entry.factory(makeEnv({ kernel: '6.12', poolBytes: 1 << 20 }).env, {})) as SwiotlbPolicy;
    const { tick, takeCompleted } = proto;
    let calls = 0;
    let work = 0;
    proto.tick = function (this: SwiotlbPolicy, now: number): number {
      calls++;
      const due = tick.call(this, now);
      if (due !== Infinity) work++;
      return due;
    };
    proto.takeCompleted = function (this: SwiotlbPolicy) {
      const done = takeCompleted.call(this);
      if (done.length !== 0) work++;
      return done;
    };
    try {
      for (const workload of WORKLOADS) {
        const c = effectiveConfig({ policy: entry.name, workload, durationMs: 30, cmdline: 'swiotlb=2048' });
        const skipping = runConfig(c);
        const before = calls;
        const calling = runConfig(c, { perfetto: new PerfettoRecorder() });
        assert.ok(calls - before > 1000, `${entry.name} on ${workload.name}: the recorded run calls tick() after every event`);
        assert.ok(JSON.stringify(skipping) === JSON.stringify(calling), `${entry.name} on ${workload.name}: the results differ`);
      }
    } finally {
      proto.tick = tick;
      proto.takeCompleted = takeCompleted;
    }
    assert.equal(work, 0, `${entry.name}: tick() or takeCompleted() had work`);
  }
});
