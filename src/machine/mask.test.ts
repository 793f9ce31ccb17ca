import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { andLowMask, lowBits } from './mask.js';

test('lowBits is addr mod 2^k for every safe address, above 4 GiB included', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 31 }), (addr, k) => {
      assert.equal(lowBits(addr, 2 ** k), Number(BigInt(addr) % BigInt(2 ** k)));
    }),
    { numRuns: 2000 },
  );
  assert.equal(lowBits(6 * 2 ** 30 + 0x1234, 2048), 0x234);
  assert.equal(lowBits(2 ** 53 - 1, 2 ** 31), 2 ** 31 - 1);
});

test('andLowMask keeps the low bits of a 64-bit-style mask', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 52 }), (value, k) => {
      assert.equal(andLowMask(value, 2 ** k - 1), Number(BigInt(value) & BigInt(2 ** k - 1)));
    }),
    { numRuns: 2000 },
  );
});
