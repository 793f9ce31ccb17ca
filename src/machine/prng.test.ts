import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrng } from './prng.js';

test('Prng: the same seed gives the same sequence', () => {
  const a = createPrng(42);
  const b = createPrng(42);
  const xs = Array.from({ length: 100 }, () => a.nextU32());
  const ys = Array.from({ length: 100 }, () => b.nextU32());
  assert.deepEqual(xs, ys);
  const c = createPrng(43);
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.nextU32()));
});

test('Prng: values stay in their ranges and spread over them', () => {
  const p = createPrng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 10000; i++) {
    const u = p.nextU32();
    assert.ok(Number.isInteger(u) && u >= 0 && u < 2 ** 32);
    const f = p.nextFloat();
    assert.ok(f >= 0 && f < 1);
    const k = p.nextInt(10);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 10);
    seen.add(k);
  }
  assert.equal(seen.size, 10);
});

test('Prng: rejects a non-integer seed and a bad bound', () => {
  assert.throws(() => createPrng(1.5), RangeError);
  assert.throws(() => createPrng(1).nextInt(0), RangeError);
});
