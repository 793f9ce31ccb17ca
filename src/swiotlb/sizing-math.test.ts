import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignU64, asInt32, isPowerOfTwo, roundupPowOfTwo, slabsToMb, toU32, u64Text, u64ToNumber } from './sizing-math.js';

test('alignU64() rounds up to the step and wraps past 2^64 like ALIGN()', () => {
  assert.equal(alignU64(1000, 128), 1024);
  assert.equal(alignU64(0, 128), 0);
  assert.equal(alignU64(2n ** 64n - 1n, 128), 0);
  assert.equal(alignU64(2n ** 64n - 256n, 128), 2 ** 64 - 2048); // held below 2^64
});

test('roundupPowOfTwo() rounds up and returns 1 where C shifts by 64', () => {
  assert.equal(roundupPowOfTwo(3072), 4096);
  assert.equal(roundupPowOfTwo(4096), 4096);
  assert.equal(roundupPowOfTwo(2 ** 63), 2 ** 63);
  assert.equal(roundupPowOfTwo(2 ** 63 + 2 ** 62), 1);
  assert.equal(roundupPowOfTwo(0), 1);
});

test('isPowerOfTwo() is false for 0 and exact above 2^53', () => {
  assert.equal(isPowerOfTwo(0), false);
  assert.equal(isPowerOfTwo(2 ** 60), true);
  assert.equal(isPowerOfTwo(2 ** 59 + 128), false); // exact: a multiple of 128 below 2^60
});

test('toU32() and asInt32() mirror unsigned int truncation and %d printing', () => {
  assert.equal(toU32(2 ** 32 + 5), 5);
  assert.equal(toU32(2n ** 40n + 1n), 1);
  assert.equal(asInt32(2 ** 31), -(2 ** 31));
  assert.equal(asInt32(16), 16);
});

test('slabsToMb() and u64ToNumber() follow unsigned long arithmetic', () => {
  assert.equal(slabsToMb(32768), 64);
  assert.equal(slabsToMb(2 ** 53), 0); // (2^53 << 11) wraps to 0
  assert.equal(u64ToNumber(2n ** 64n - 1n), 2 ** 64 - 2048);
  assert.equal(u64Text(2 ** 63), '9223372036854775808');
});
