import { ContractError } from '../util/errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeBootPool } from './sizing.js';
import type { BootPoolOptions } from './sizing.js';
import { parseSwiotlbParams } from './params.js';

const P = 'software IO TLB: ';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const x86 = { arch: 'x86', ramBytes: 16 * GiB } as const;

function pool(o: Partial<BootPoolOptions> & { possibleCpus: number }) {
  return computeBootPool({ ...x86, ...o });
}

test('computeBootPool() gives the 64 MiB default with one area per CPU', () => {
  const r = pool({ possibleCpus: 6 });
  assert.equal(r.outcome, 'allocated');
  assert.equal(r.nslabs, 32768);
  assert.equal(r.nareas, 8);
  assert.equal(r.areaNslabs, 4096);
  assert.equal(r.bytes, 64 * MiB);
  assert.deepEqual(r.logLines, [`${P}area num 8.`]);
});

test('computeBootPool() rounds swiotlb=3000 to 4096 slots with 32 CPUs or fewer', () => {
  for (const cpus of [1, 4, 32]) {
    const r = pool({ cmdline: 'swiotlb=3000', possibleCpus: cpus });
    assert.equal(r.nslabs, 4096, `cpus ${cpus}`);
    assert.equal(r.logLines.at(-1), `${P}SWIOTLB bounce buffer size roundup to 8MB`);
  }
  assert.equal(pool({ cmdline: 'swiotlb=3000', possibleCpus: 33 }).nslabs, 8192);
});

test('computeBootPool() turns swiotlb=0 into 512 slots with 4 CPUs', () => {
  const r = pool({ cmdline: 'swiotlb=0', possibleCpus: 4 });
  assert.equal(r.nslabs, 512);
  assert.equal(r.disabled, false);
  assert.deepEqual(r.logLines, [`${P}area num 4.`, `${P}SWIOTLB bounce buffer size roundup to 1MB`]);
});

test('computeBootPool() gives 384 CPUs 512 areas of 128 slots (128 MiB)', () => {
  const r = pool({ possibleCpus: 384 });
  assert.equal(r.nareas, 512);
  assert.equal(r.nslabs, 65536);
  assert.equal(r.areaNslabs, 128);
  assert.equal(r.logLines.at(-1), `${P}SWIOTLB bounce buffer size roundup to 128MB`);
});

test('computeBootPool() sizes an 8 GiB SEV guest to 262144 slots and forces bouncing', () => {
  const r = computeBootPool({ arch: 'x86', ramBytes: 8 * GiB, confidentialVm: true, possibleCpus: 4 });
  assert.equal(r.nslabs, 262144);
  assert.equal(r.forceBounce, true);
  assert.deepEqual(r.logLines, [
    `${P}SWIOTLB bounce buffer size adjusted to 491MB`,
    `${P}area num 4.`,
    `${P}SWIOTLB bounce buffer size roundup to 512MB`,
  ]);
});

test('computeBootPool() lets a confidential guest adjust an explicit swiotlb=32768 but not 16384', () => {
  const cvm = { arch: 'x86', ramBytes: 8 * GiB, confidentialVm: true, possibleCpus: 4 } as const;
  assert.equal(computeBootPool({ ...cvm, cmdline: 'swiotlb=32768' }).nslabs, 262144);
  assert.equal(computeBootPool({ ...cvm, cmdline: 'swiotlb=0x8000' }).nslabs, 262144);
  assert.equal(computeBootPool({ ...cvm, cmdline: 'swiotlb=16384' }).nslabs, 16384);
});

test('computeBootPool() sets nothing up without an addressing limit or force', () => {
  const r = computeBootPool({ arch: 'x86', ramBytes: 2 * GiB, possibleCpus: 4 });
  assert.equal(r.outcome, 'not_needed');
  assert.equal(r.nslabs, 0);
  assert.equal(r.defaultNareas, 0);
  assert.deepEqual(r.logLines, []);
  const f = computeBootPool({ arch: 'x86', ramBytes: 2 * GiB, possibleCpus: 4, cmdline: 'quiet swiotlb=force' });
  assert.equal(f.outcome, 'allocated');
  assert.equal(f.forceBounce, true);
});

test('computeBootPool() has no swiotlb at all with noforce, even after force', () => {
  for (const cmdline of ['swiotlb=noforce', 'swiotlb=force swiotlb=noforce', 'swiotlb=noforce swiotlb=force']) {
    const r = pool({ cmdline, possibleCpus: 4 });
    assert.equal(r.outcome, 'force_disabled', cmdline);
    assert.equal(r.forceBounce, false);
    assert.equal(r.disabled, true);
    assert.equal(r.nslabs, 0);
  }
});

test('computeBootPool() sets force_bounce before a failed allocation only on 6.6+', () => {
  const base = { cmdline: 'swiotlb=force', possibleCpus: 4, canAllocate: () => false } as const;
  const v66 = pool({ ...base });
  assert.equal(v66.outcome, 'allocation_failed');
  assert.equal(v66.forceBounce, true);
  const v61 = pool({ ...base, forceBounceBeforeAlloc: false, halvingOnMemblockFailure: false, limitNareas: false });
  assert.equal(v61.outcome, 'allocation_failed');
  assert.equal(v61.forceBounce, false);
  assert.equal(v61.attempts.length, 1);
});

test('computeBootPool() shrinks with limit_nareas on 6.6+ but not on 6.1.0', () => {
  const cvm = { arch: 'x86', ramBytes: 8 * GiB, confidentialVm: true, possibleCpus: 256 } as const;
  const small = (b: number) => b <= 4 * MiB;
  const v66 = computeBootPool({ ...cvm, canAllocate: small });
  assert.equal(v66.nslabs, 2048);
  assert.equal(v66.nareas, 16);
  assert.equal(v66.defaultNslabs, 2048);
  const v61 = computeBootPool({ ...cvm, canRemap: (_b, n) => n <= 2048, limitNareas: false, halvingOnMemblockFailure: false });
  assert.equal(v61.nslabs, 2048);
  assert.equal(v61.nareas, 256);
  assert.equal(v61.areaNslabs, 8);
});

test('computeBootPool() prints the mapped range on arm64 when given the pool address', () => {
  const r = computeBootPool({ arch: 'arm64', ramBytes: 16 * GiB, possibleCpus: 8, poolPhysAddr: 0xbbf00000 });
  assert.equal(r.logLines.at(-1), `${P}mapped [mem 0x00000000bbf00000-0x00000000bff00000] (64MB)`);
});

test('computeBootPool() gives a small arm64 board 1 MiB per GiB, rounded for its areas', () => {
  const r = computeBootPool({ arch: 'arm64', ramBytes: GiB, possibleCpus: 8 });
  assert.equal(r.nslabs, 1024);
  assert.deepEqual(r.logLines, [
    `${P}SWIOTLB bounce buffer size adjusted to 1MB`,
    `${P}area num 8.`,
    `${P}SWIOTLB bounce buffer size roundup to 2MB`,
  ]);
});

test('computeBootPool() accepts parsed params and keeps the parse-time log first', () => {
  const params = parseSwiotlbParams(['16384,3', 'force']);
  const r = pool({ params, possibleCpus: 64 });
  assert.equal(r.nareas, 4);
  assert.equal(r.nslabs, 16384);
  assert.equal(r.forceBounce, true);
  assert.deepEqual(r.logLines, [`${P}area num 4.`]);
});

test('computeBootPool() reports the divide error after undefined behaviour on 6.6+', () => {
  const r = pool({ cmdline: 'swiotlb=0xC000000000000000,1', possibleCpus: 4 });
  assert.equal(r.undefinedBehaviour, true);
  assert.equal(r.outcome, 'area_divide_error');
  const v61 = pool({ cmdline: 'swiotlb=0xC000000000000000,1', possibleCpus: 4, limitNareas: false });
  assert.equal(v61.outcome, 'allocated');
  assert.equal(v61.nslabs, 1);
});

test('computeBootPool() keeps the v2 dynamic flag only with dynamicOption', () => {
  assert.equal(pool({ cmdline: 'swiotlb=dynamic', possibleCpus: 4, dynamicOption: true }).dynamic, true);
  assert.equal(pool({ cmdline: 'swiotlb=dynamic', possibleCpus: 4 }).dynamic, false);
});

test('computeBootPool() validates its inputs', () => {
  assert.throws(() => pool({ possibleCpus: 0 }), (e: unknown) => e instanceof ContractError && /possibleCpus/.test(e.message));
  assert.throws(() => pool({ possibleCpus: 4, cmdline: '', params: parseSwiotlbParams([]) }), (e: unknown) => e instanceof ContractError && /both/.test(e.message));
});
