import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adjustNareas,
  createSwiotlbDefaults,
  roundUpDefaultNslabs,
  swiotlbAdjustSize,
  swiotlbSizeOrDefault,
} from './sizing-defaults.js';

const P = 'software IO TLB: ';

test('createSwiotlbDefaults() starts at 32768 slots, areas unset, no flags', () => {
  const d = createSwiotlbDefaults();
  assert.equal(d.defaultNslabs, 32768);
  assert.equal(d.defaultNareas, 0);
  assert.equal(d.forceBounce || d.forceDisable || d.dynamic, false);
  assert.equal(swiotlbSizeOrDefault(d), 64 * 1024 * 1024);
});

test('roundUpDefaultNslabs() does nothing while the area count is unset', () => {
  const d = { ...createSwiotlbDefaults(), defaultNslabs: 3072 };
  assert.equal(roundUpDefaultNslabs(d), false);
  assert.equal(d.defaultNslabs, 3072);
});

test('roundUpDefaultNslabs() raises to 128 per area, then to a power of two', () => {
  const d = { ...createSwiotlbDefaults(), defaultNslabs: 0, defaultNareas: 4 };
  assert.equal(roundUpDefaultNslabs(d), true);
  assert.equal(d.defaultNslabs, 512);
  assert.equal(roundUpDefaultNslabs(d), false);
  d.defaultNslabs = 3072;
  assert.equal(roundUpDefaultNslabs(d), true);
  assert.equal(d.defaultNslabs, 4096);
});

test('adjustNareas() rounds CPUs up to a power of two and prints both messages', () => {
  const d = { ...createSwiotlbDefaults(), defaultNslabs: 3072 };
  adjustNareas(d, 32);
  assert.equal(d.defaultNareas, 32);
  assert.equal(d.defaultNslabs, 4096);
  assert.deepEqual(d.log, [`${P}area num 32.`, `${P}SWIOTLB bounce buffer size roundup to 8MB`]);
  const big = createSwiotlbDefaults();
  adjustNareas(big, 384);
  assert.equal(big.defaultNareas, 512);
  assert.equal(big.defaultNslabs, 65536);
  assert.deepEqual(big.log, [`${P}area num 512.`, `${P}SWIOTLB bounce buffer size roundup to 128MB`]);
});

test('adjustNareas() treats 0 areas as 1', () => {
  const d = createSwiotlbDefaults();
  adjustNareas(d, 0);
  assert.equal(d.defaultNareas, 1);
  assert.deepEqual(d.log, [`${P}area num 1.`]);
});

test('swiotlbAdjustSize() applies 6 % of an 8 GiB guest: 251776 slots, 491MB', () => {
  const d = createSwiotlbDefaults();
  assert.equal(swiotlbAdjustSize(d, 515396075), true);
  assert.equal(d.defaultNslabs, 251776);
  assert.deepEqual(d.log, [`${P}SWIOTLB bounce buffer size adjusted to 491MB`]);
  adjustNareas(d, 4);
  assert.equal(d.defaultNslabs, 262144);
  assert.equal(d.log[2], `${P}SWIOTLB bounce buffer size roundup to 512MB`);
});

test('swiotlbAdjustSize() is a no-op unless default_nslabs is exactly 32768', () => {
  const d = { ...createSwiotlbDefaults(), defaultNslabs: 16384 };
  assert.equal(swiotlbAdjustSize(d, 1 << 30), false);
  assert.equal(d.defaultNslabs, 16384);
  assert.deepEqual(d.log, []);
});

test('swiotlbAdjustSize() prints the rounded size when areas are already fixed', () => {
  const d = { ...createSwiotlbDefaults(), defaultNareas: 8 };
  swiotlbAdjustSize(d, 515396075);
  assert.equal(d.defaultNslabs, 262144);
  assert.deepEqual(d.log, [`${P}SWIOTLB bounce buffer size adjusted to 512MB`]);
});
