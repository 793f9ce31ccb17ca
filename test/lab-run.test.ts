import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig, DEFAULT_RUN } from '../src/lab/run-config.js';
import { InputError } from '../src/util/errors.js';

test('runConfig is deterministic: the same config twice gives byte-identical JSON, another seed does not', () => {
  const c = effectiveConfig({ durationMs: 30, seed: 7 });
  const a = JSON.stringify(runConfig(c));
  const b = JSON.stringify(runConfig(structuredClone(c)));
  assert.equal(a, b);
  const d = JSON.stringify(runConfig({ ...structuredClone(c), seed: 8 }));
  assert.notEqual(a, d);
});

test('runConfig carries its effective config and seed so a result can be reproduced from itself', () => {
  const r = runConfig(effectiveConfig({ durationMs: 20, workload: { name: 'sata', knobs: { iodepth: 4 } } }));
  assert.equal(r.config.workload.name, 'sata');
  assert.equal(r.knobs.iodepth, 4);
  const again = runConfig(effectiveConfig(JSON.parse(JSON.stringify(r.config))));
  assert.deepEqual(again.policy, r.policy);
});

test('runConfig counts agree with each other: bytes bounced, maps, unmaps and the device metrics', () => {
  const r = runConfig(effectiveConfig({ durationMs: 50 }));
  const sum = (k: string) => r.devices.reduce((a, d) => a + (d[k] as number), 0);
  assert.equal(r.devices.length, 4, 'the default burst drives four disks');
  assert.equal(r.policy.maps, sum('maps'));
  assert.equal(r.policy.unmaps, sum('unmaps'));
  assert.equal(r.policy.mapFailures, sum('mapFailures'));
  assert.ok(r.policy.bytesBounced >= sum('bytesMapped'), 'every mapped byte was copied to the bounce buffer');
  assert.equal(r.work.bytesCopied!.count, r.policy.bytesBounced);
  assert.ok(r.estimatedCpuNs > 0);
  assert.equal(r.occupancy.length > 10, true);
});

test('effectiveConfig rejects unknown fields and bad values with the path and the value', () => {
  assert.throws(() => effectiveConfig({ durationMS: 5 }, 'x.json'), (e: unknown) => e instanceof InputError && /x\.json: durationMS must be one of the known fields/.test(e.message));
  assert.throws(() => effectiveConfig({ machine: { cpus: 0 } }), /machine\.cpus must be a number from 1 to 1024: current value is 0/);
  assert.throws(() => runConfig(effectiveConfig({ policy: 'nope' })), /Unknown policy 'nope'/);
  assert.throws(() => runConfig(effectiveConfig({ workload: { name: 'nvme-randread', knobs: { iodepht: 3 } } })), /has no knob 'iodepht'/);
  assert.throws(() => runConfig(effectiveConfig({ cmdline: '', machine: { ramBytes: 2 * 1024 ** 3, confidential: false } })), /sets up no swiotlb pool/);
  assert.equal(DEFAULT_RUN.policy, 'fixed');
  // Found by the config fuzzer: each was accepted and then crashed, or did not survive JSON.
  assert.throws(() => effectiveConfig({ seed: 1.5 }), /seed must be an integer: current value is 1\.5/);
  assert.throws(() => effectiveConfig({ costs: { lockNs: Infinity } }), /costs\.lockNs must be a finite number of nanoseconds, 0 or more: current value is Infinity/);
  assert.throws(() => effectiveConfig({ costs: new Date(0) }), /costs must be an object: current value is the date 1970-01-01T00:00:00\.000Z/);
  assert.throws(() => effectiveConfig({ workload: { name: 'nvme-randread', knobs: { bs: new Date(0) } } }), /workload\.knobs\.bs must be a finite number, a string, true or false/);
  assert.throws(() => effectiveConfig({ policyOptions: { growthCap: NaN } }), /policyOptions\.growthCap must be a finite number/);
  assert.throws(() => runConfig(effectiveConfig({ workload: { name: 'nvme-randread', knobs: { iodepth: 1e308 } } })), /Knob 'iodepth' of 'nvme-randread' must be a whole number from 0 to 65536 requests/);
  // On larger machines the built-in layout is checked when the workload is built.
  assert.throws(
    () => runConfig(effectiveConfig({ durationMs: 1, cmdline: 'swiotlb=force', machine: { ramBytes: 2 * 2 ** 30, confidential: false }, workload: { name: 'nvme-randread', knobs: { jobs: 8 } } })),
    (e: unknown) => e instanceof InputError && e.code === 'outside_ram' && /not RAM of this machine \(RAM ends at 0x80000000\)/.test(e.message),
  );
  // Boards under 2 GiB: the workload's buffers come from the page allocator (the built-in layout starts at 1 GiB).
  const board = runConfig(effectiveConfig({ durationMs: 5, machine: { ramBytes: 2 ** 30, memory: 'bytes' } }));
  assert.ok(board.policy.maps > 0);
  assert.equal(board.dataCheck!.mismatchedChecks, 0);
  assert.throws(
    () => runConfig(effectiveConfig({ durationMs: 1, machine: { ramBytes: 64 * 2 ** 20, confidential: false }, cmdline: 'swiotlb=512,force', workload: { name: 'coco-burst', knobs: { disks: 64, iodepth: 64 } } })),
    (e: unknown) => e instanceof InputError && e.code === 'no_memory' && /the workload's buffers need another \d+ bytes/.test(e.message),
  );
  assert.throws(() => runConfig(effectiveConfig({ durationMs: 1, cmdline: 'swiotlb=9223372036854775807,force' })), (e: unknown) => e instanceof InputError && e.code === 'no_memory');
  // A swiotlb= larger than memory: memblock fails and the kernel halves until the pool fits below 4 GiB.
  const huge = runConfig(effectiveConfig({ durationMs: 1, cmdline: 'swiotlb=051557363112127' }));
  assert.ok(huge.pool.bytes <= 4 * 2 ** 30 && huge.pool.bytes >= 2 ** 30, `${huge.pool.bytes} bytes`);
  assert.ok(huge.pool.bootLog.some((l) => /swiotlb_memblock_alloc: Failed to allocate 9007199254740992 bytes tlb structure/.test(l)));
});

test('highmem sizes its high pool from swiotlb=<slots>,<areas>,<high slots>; policyOptions.highBytes overrides it', () => {
  const GiB = 1024 ** 3;
  const run = (policy: string, cmdline: string, policyOptions: Record<string, unknown> = {}) =>
    runConfig(effectiveConfig({ durationMs: 1, policy, policyOptions, cmdline, machine: { confidential: false, ramBytes: 16 * GiB }, workload: { name: 'nvme-randread', knobs: {} } }));
  assert.equal(run('highmem', 'swiotlb=4096,4,524288,force').policy.reservedBytes, 8 * 2 ** 20 + 1 * GiB);
  assert.equal(run('highmem', 'swiotlb=4096,4,force').policy.reservedBytes, 2 * 8 * 2 ** 20, 'no third number: the high pool is as large as the low one');
  assert.equal(run('highmem', 'swiotlb=4096,4,524288,force', { highBytes: 64 * 2 ** 20 }).policy.reservedBytes, 72 * 2 ** 20);
  // The mainline grammar (every other design) reads two numbers and ignores the rest, force included.
  const fixed = run('fixed', 'swiotlb=4096,4,524288,force');
  assert.deepEqual([fixed.pool.bytes, fixed.pool.forceBounce, fixed.policy.reservedBytes], [8 * 2 ** 20, false, 8 * 2 ** 20]);
});

test('coherent_pool= sizes the atomic DMA pools: larger pools serve more transient pools in a confidential VM', () => {
  const run = (cmdline: string) => runConfig(effectiveConfig({ durationMs: 60, policy: 'transient', cmdline }));
  const small = run('swiotlb=4096');
  const large = run('swiotlb=4096 coherent_pool=16M');
  const noMemory = (r: ReturnType<typeof run>) => r.policy.failuresByCode.no_memory ?? 0;
  assert.ok(noMemory(small) > 0, 'the default 1 MiB pools run dry in the burst');
  assert.ok(noMemory(large) < noMemory(small), `${noMemory(large)} < ${noMemory(small)}`);
});
