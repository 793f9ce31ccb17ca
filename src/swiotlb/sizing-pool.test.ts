import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateBootPool, areaNslabs, limitNareas, swiotlbMaxSegment } from './sizing-pool.js';
import { createSwiotlbDefaults } from './sizing-defaults.js';

const P = 'software IO TLB: ';
const MiB = 1024 * 1024;

function defaults(nslabs: number, nareas: number) {
  return { ...createSwiotlbDefaults(), defaultNslabs: nslabs, defaultNareas: nareas };
}

test('limitNareas() caps areas at nslots / 128', () => {
  assert.equal(limitNareas(64, 2048), 16);
  assert.equal(limitNareas(4, 32768), 4);
  assert.equal(limitNareas(8, 1024), 8);
  assert.equal(limitNareas(1, 1), 0);
});

test('limitNareas() wraps its unsigned int product for 2^25 areas', () => {
  assert.equal(limitNareas(2 ** 25, 2 ** 20), 2 ** 25);
});

test('areaNslabs() divides and returns 0 for 0 areas', () => {
  assert.equal(areaNslabs(65536, 512), 128);
  assert.equal(areaNslabs(8192, 128), 64);
  assert.equal(areaNslabs(1, 0), 0);
});

test('swiotlbMaxSegment() is the pool rounded down to a page, as unsigned int', () => {
  assert.equal(swiotlbMaxSegment(32768), 64 * MiB);
  assert.equal(swiotlbMaxSegment(0), 0);
  assert.equal(swiotlbMaxSegment(1), 0);
  assert.equal(swiotlbMaxSegment(2 ** 21), 0); // 4 GiB wraps
});

test('allocateBootPool() halves on memblock failure and updates default_nslabs (6.6+)', () => {
  const d = defaults(32768, 128);
  const r = allocateBootPool(d, { canAllocate: (b) => b <= 16 * MiB });
  assert.equal(r.ok, true);
  assert.equal(r.nslabs, 8192);
  assert.equal(r.nareas, 64);
  assert.deepEqual(r.attempts.map((a) => a.nslabs), [32768, 16384, 8192]);
  assert.deepEqual(d.log, [
    `${P}swiotlb_memblock_alloc: Failed to allocate 67108864 bytes tlb structure`,
    `${P}swiotlb_memblock_alloc: Failed to allocate 33554432 bytes tlb structure`,
    `${P}SWIOTLB bounce buffer size adjusted 32768 -> 8192 slabs`,
  ]);
  assert.equal(d.defaultNslabs, 8192);
});

test('allocateBootPool() stops after a failed attempt of 512 slots (6.6+)', () => {
  const d = defaults(32768, 4);
  const r = allocateBootPool(d, { canAllocate: () => false });
  assert.equal(r.ok, false);
  assert.deepEqual(r.attempts.map((a) => a.nslabs), [32768, 16384, 8192, 4096, 2048, 1024, 512]);
  assert.equal(d.defaultNslabs, 32768);
});

test('allocateBootPool() gives up at the first memblock failure in 6.1.0-6.1.39', () => {
  const d = defaults(32768, 4);
  const r = allocateBootPool(d, { halvingOnMemblockFailure: false, limitNareas: false, canAllocate: () => false });
  assert.equal(r.ok, false);
  assert.equal(r.attempts.length, 1);
  assert.deepEqual(d.log, [`${P}swiotlb_init_remap: failed to allocate tlb structure`]);
});

test('allocateBootPool() halves on remap failure in 6.1.0 and keeps all areas', () => {
  const d = defaults(32768, 128);
  const r = allocateBootPool(d, {
    halvingOnMemblockFailure: false, limitNareas: false, canRemap: (_b, n) => n <= 8192,
  });
  assert.equal(r.ok, true);
  assert.equal(r.nslabs, 8192);
  assert.equal(r.nareas, 128); // no limit_nareas: areas of 64 slots, smaller than a segment
  assert.equal(areaNslabs(r.nslabs, r.nareas), 64);
  assert.deepEqual(d.log, []);
  assert.equal(d.defaultNslabs, 32768);
});

test('allocateBootPool() reports the last remap failure in 6.1.0', () => {
  const d = defaults(1024, 1);
  const r = allocateBootPool(d, { halvingOnMemblockFailure: false, canRemap: () => false });
  assert.equal(r.ok, false);
  assert.deepEqual(r.attempts.map((a) => a.nslabs), [1024, 512]);
  assert.deepEqual(d.log, [`${P}swiotlb_init_remap: Failed to remap 1048576 bytes`]);
});

test('allocateBootPool() logs remap failures and re-limits areas (6.6+)', () => {
  const d = defaults(4096, 32);
  const r = allocateBootPool(d, { canRemap: (_b, n) => n <= 1024 });
  assert.equal(r.nslabs, 1024);
  assert.equal(r.nareas, 8);
  assert.equal(d.log[0], `${P}swiotlb_memblock_alloc: Failed to remap 8388608 bytes`);
  assert.equal(d.log.at(-1), `${P}SWIOTLB bounce buffer size adjusted 4096 -> 1024 slabs`);
});
