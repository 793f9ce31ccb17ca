/**
 * A design that says its meter moves only inside calls lets the lab start
 * each call from the reading the last call ended with. A run with a recorder
 * attached reads the meter at every call instead; the priced results must be
 * the same to the last bit, for every design that says so, over workloads
 * that fail, block and run with locks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';
import { PerfettoRecorder } from '../src/lab/engine/perfetto.js';
import { policyEntries } from '../src/lab/policy-registry.js';
import { makeEnv } from '../src/swiotlb/dynamic/dyn-fixture.case.js';

const WORKLOADS = [
  { name: 'nvme-randread', knobs: { iodepth: 64, jobs: 2, bs: 65536 } },
  { name: 'coco-burst', knobs: {} },
  { name: 'nic', knobs: {} },
];

test('starting a call from the last call\'s meter reading prices runs exactly as reading the meter at every call', () => {
  const carrying = policyEntries()
    .filter((e) => e.factory(makeEnv({ kernel: '6.12', poolBytes: 1 << 20 }).env, {}).meterMovesOnlyInCalls === true)
    .map((e) => e.name);
  assert.deepEqual([...carrying].sort(), ['fixed', 'throttle']);
  let failed = 0;
  for (const policy of carrying) {
    for (const workload of WORKLOADS) {
      // A small pool, so maps fail (fixed) or block (throttle) along the way.
      const c = effectiveConfig({ policy, workload, durationMs: 30, cmdline: 'swiotlb=2048' });
      const carried = runConfig(c);
      const readEachCall = runConfig(c, { perfetto: new PerfettoRecorder() });
      assert.equal(JSON.stringify(carried), JSON.stringify(readEachCall), `${policy} on ${workload.name}`);
      failed += carried.policy.mapFailures + carried.policy.blocked;
    }
  }
  assert.ok(failed > 0, 'some maps failed or blocked');
});
