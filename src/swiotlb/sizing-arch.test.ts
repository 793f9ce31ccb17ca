import { ContractError } from '../util/errors.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archSwiotlbSetup, arm64KmallocSwiotlbBytes, x86CocoSwiotlbBytes } from './sizing-arch.js';
import { createSwiotlbDefaults } from './sizing-defaults.js';

const P = 'software IO TLB: ';
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

test('x86CocoSwiotlbBytes() is 6 % of memory clamped to [64 MiB, 1 GiB]', () => {
  assert.equal(x86CocoSwiotlbBytes(8 * GiB), 515396075);
  assert.equal(x86CocoSwiotlbBytes(512 * MiB), 64 * MiB);
  assert.equal(x86CocoSwiotlbBytes(64 * GiB), GiB);
});

test('arm64KmallocSwiotlbBytes() is 1 MiB per GiB, capped at the default', () => {
  assert.equal(arm64KmallocSwiotlbBytes(4 * GiB, 64 * MiB), 4 * MiB);
  assert.equal(arm64KmallocSwiotlbBytes(256 * GiB, 64 * MiB), 64 * MiB);
  assert.equal(arm64KmallocSwiotlbBytes(GiB + 1, 64 * MiB), MiB + 1);
});

test('archSwiotlbSetup() adjusts an x86 confidential guest and forces bouncing', () => {
  const d = createSwiotlbDefaults();
  const a = archSwiotlbSetup(d, { arch: 'x86', ramBytes: 8 * GiB, confidentialVm: true });
  assert.deepEqual(a, { addressingLimit: true, forceFlag: true, verbose: true });
  assert.equal(d.defaultNslabs, 251776);
  assert.deepEqual(d.log, [`${P}SWIOTLB bounce buffer size adjusted to 491MB`]);
});

test('archSwiotlbSetup() wants no x86 pool when memory stays below 4 GiB (and prints none), one above it (and prints it late)', () => {
  const d = createSwiotlbDefaults();
  assert.deepEqual(archSwiotlbSetup(d, { arch: 'x86', ramBytes: 2 * GiB }), { addressingLimit: false, forceFlag: false, verbose: false });
  assert.deepEqual(archSwiotlbSetup(d, { arch: 'x86', ramBytes: 16 * GiB }), { addressingLimit: true, forceFlag: false, verbose: true });
  assert.equal(archSwiotlbSetup(d, { arch: 'x86', ramBytes: 16 * GiB, addressingLimit: false }).addressingLimit, false);
  assert.deepEqual(d.log, []);
});

test('archSwiotlbSetup() shrinks the arm64 pool for kmalloc bouncing only', () => {
  const d = createSwiotlbDefaults();
  const a = archSwiotlbSetup(d, { arch: 'arm64', ramBytes: 512 * MiB });
  assert.deepEqual(a, { addressingLimit: true, forceFlag: false, verbose: true });
  assert.equal(d.defaultNslabs, 256);
  assert.deepEqual(d.log, [`${P}SWIOTLB bounce buffer size adjusted to 0MB`]);
  const big = createSwiotlbDefaults();
  archSwiotlbSetup(big, { arch: 'arm64', ramBytes: 16 * GiB });
  assert.equal(big.defaultNslabs, 32768);
  const old = createSwiotlbDefaults();
  const o = archSwiotlbSetup(old, { arch: 'arm64', ramBytes: 2 * GiB, arm64KmallocBounce: false });
  assert.equal(o.addressingLimit, false);
});

test('archSwiotlbSetup() refuses a negative memory size', () => {
  assert.throws(() => archSwiotlbSetup(createSwiotlbDefaults(), { arch: 'x86', ramBytes: -1 }), (e: unknown) => e instanceof ContractError && e.code === 'bad_argument');
});
