import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizePool } from '../src/lab/size.js';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';

test('size finds the smallest bootable pool with no failures, and direct runs agree at that size and one step below', () => {
  const c = effectiveConfig({ durationMs: 60 });
  const r = sizePool(c);
  assert.ok(r.answer !== null);
  assert.ok(r.below !== null && r.below.failures > 0, 'one step smaller fails');
  const at = runConfig({ ...structuredClone(c), cmdline: r.answer.swiotlb });
  assert.equal(at.pool.nslabs, r.answer.nslabs);
  assert.equal(at.policy.mapFailures, 0);
  const below = runConfig({ ...structuredClone(c), cmdline: `swiotlb=${r.below.nslabs}` });
  assert.equal(below.policy.mapFailures, r.below.failures);
  assert.equal(r.kernelDefault.bytes, 512 * 1024 ** 2, 'the 8 GiB confidential VM would get 6 % of RAM');
  assert.equal(r.kernelDefault.wastedBytes, 512 * 1024 ** 2 - r.answer.bytes);
});

test('size says no swiotlb= value helps 8 MiB frames, and which designs serve them', () => {
  const c = effectiveConfig({ durationMs: 100, cmdline: 'swiotlb=force', machine: { confidential: false, cmaMiB: 256 }, workload: { name: 'display', knobs: {} } });
  const r = sizePool(c);
  assert.ok(r.tooLarge.count > 0);
  assert.deepEqual(r.tooLarge.byDevice, { display0: [8388608] });
  const serve = r.dynamic.filter((d) => d.failures === 0).map((d) => d.policy);
  assert.ok(serve.includes('reuse-pool'));
  assert.ok(!serve.includes('growing'), 'a grown pool still cannot hold more than 256 KiB per mapping');
});

test('size on an oracle small-pool trace: zero failures at the answer, failures one step below, as direct runs of the trace show', () => {
  const path = new URL('./fixtures/oracle/virtio_small8192_smp2/trace.txt.gz', import.meta.url).pathname;
  const c = effectiveConfig({ kernel: '6.1', cmdline: 'swiotlb=force', durationMs: 100000, machine: { cpus: 2, ramBytes: 2 * 1024 ** 3, confidential: false }, workload: { name: 'trace', knobs: { path } } });
  const r = sizePool(c);
  assert.equal(r.answer?.nslabs, 16384);
  assert.equal(r.below?.nslabs, 8192);
  assert.ok(r.below!.failures > 0);
  const at = runConfig({ ...structuredClone(c), cmdline: r.answer!.swiotlb });
  assert.equal(at.policy.mapFailures, 0);
  assert.equal(at.policy.maps, 6597, 'every map of the trace was run');
  const below = runConfig({ ...structuredClone(c), cmdline: 'swiotlb=8192,force' });
  assert.equal(below.policy.mapFailures, r.below!.failures);
});
