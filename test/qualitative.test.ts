/**
 * The qualitative results the README states under "What the default model
 * shows", each from a shortened version of the run it names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { runConfig, type RunResult } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';

function run(policy: string, partial: Record<string, unknown>): RunResult {
  return runConfig(effectiveConfig({ durationMs: 40, ...partial, policy }));
}

function virtio(bs: number, confidential: boolean): Record<string, unknown> {
  return { cmdline: 'swiotlb=force', machine: { confidential }, workload: { name: 'virtio-blk', knobs: { iodepth: 1, jobs: 1, bs } } };
}

/** Estimated DMA-mapping CPU time per map. */
function perMap(r: RunResult): number {
  return r.estimatedCpuNs / r.policy.maps;
}

test('1. per-mapping allocation costs most for large mappings and least for small ones', () => {
  const extra = [2048, 4096, 65536, 262144].map((bs) => perMap(run('mru-list', virtio(bs, false))) - perMap(run('fixed', virtio(bs, false))));
  // A 2 KiB mapping stays in the pool: the only extra work is the v2 series' fixed-range check in its bounce and
  // unmap helpers, two 4 ns range checks per unmap more than 6.12's wrappers, which look the pool up once each.
  assert.ok(Math.abs(extra[0]!) <= 9, `a 2 KiB mapping stays in the pool (extra ${extra[0]} ns)`);
  assert.ok(extra[1]! > 100 && extra[1]! < extra[2]! && extra[2]! < extra[3]!, `the extra cost grows with the size: ${extra.map((x) => x.toFixed(0)).join(', ')} ns`);
});

test('2. in a confidential VM mru-list shares per mapping; fixed and reuse-pool do not, and transient pools take the atomic pools\' shared memory', () => {
  const [fixed, mru, reuse] = ['fixed', 'mru-list', 'reuse-pool'].map((p) => run(p, virtio(4096, true)));
  assert.equal(fixed!.policy.hypercalls, 1, 'fixed: the boot pool, once');
  assert.ok(mru!.policy.hypercalls >= 1.9 * mru!.policy.maps, `mru-list: two per mapping (${mru!.policy.hypercalls} for ${mru!.policy.maps})`);
  assert.ok(perMap(mru!) > 5 * perMap(fixed!));
  assert.ok(reuse!.policy.hypercalls <= 20, `reuse-pool: batches, reused (${reuse!.policy.hypercalls})`);
  // The default burst: the pool fills, transient pools come from the atomic pools (few hypercalls) until they run dry.
  const transient = run('transient', { durationMs: 200 });
  assert.ok(transient.policy.hypercalls < 20, `transient: only the boot pool and atomic-pool refills (${transient.policy.hypercalls})`);
  assert.ok((transient.policy.failuresByCode.no_memory ?? 0) > 0, 'transient: requests fail while the atomic pools are empty');
});

test('3. the MRU list walks about one node per lookup at queue depth 1', () => {
  const r = run('mru-list', virtio(4096, false));
  assert.ok(r.policy.lookups > 100);
  assert.ok(r.policy.nodesVisited / r.policy.lookups < 1.1, `${r.policy.nodesVisited} nodes for ${r.policy.lookups} lookups`);
});

test('4. a pool sized by the 6 %-of-RAM rule is mostly idle for ordinary loads', () => {
  const r = run('fixed', { cmdline: '', workload: { name: 'nvme-randread', knobs: {} } });
  assert.equal(r.pool.bytes, 512 * 2 ** 20);
  assert.ok(r.policy.peakInUseBytes < 0.02 * r.pool.bytes, `peak ${r.policy.peakInUseBytes} bytes in use`);
});

test('5. throttling keeps a burst below its threshold with no failures', () => {
  const fixed = run('fixed', { durationMs: 100 });
  const throttle = run('throttle', { durationMs: 100 });
  assert.ok(fixed.policy.mapFailures > 0);
  assert.equal(throttle.policy.mapFailures, 0);
  assert.ok(throttle.policy.blocked > 0);
  assert.ok(throttle.policy.peakInUseBytes <= 0.8 * throttle.pool.bytes, `peak ${throttle.policy.peakInUseBytes} of ${throttle.pool.bytes}`);
});

test('6. 8 MiB and 34 MiB frames fail as too_large on fixed and are served by reuse-pool, with what it cost', () => {
  const config = parseToml(readFileSync(new URL('../examples/display-4k.toml', import.meta.url), 'utf8')) as Record<string, unknown>;
  for (const frameMiB of [8, 34]) {
    const c = { ...config, durationMs: 100, workload: { name: 'display', knobs: { frameMiB, fps: 60 } } };
    const [fixed, reuse] = ['fixed', 'reuse-pool'].map((policy) => runConfig(effectiveConfig({ ...c, policy })));
    assert.ok((fixed!.policy.failuresByCode.too_large ?? 0) > 0, `${frameMiB} MiB: too large for fixed`);
    assert.equal(fixed!.policy.mapFailures, fixed!.policy.failuresByCode.too_large);
    assert.ok(reuse!.policy.maps > 0);
    assert.equal(reuse!.policy.mapFailures, 0, `${frameMiB} MiB: reuse-pool serves every frame`);
    assert.ok(reuse!.policy.pageAllocs >= frameMiB * 256, `${frameMiB} MiB: at least one frame of pages taken (${reuse!.policy.pageAllocs})`);
    assert.ok(reuse!.policy.bytesBounced >= frameMiB * 2 ** 20, 'and the bytes it copied');
  }
});
