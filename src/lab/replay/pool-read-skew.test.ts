import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POOL_READ_SKEW_LINES, PoolReadSkew } from './pool-read-skew.js';
import type { ReplayMismatch } from './replay-types.js';

const mismatch = (line: number): ReplayMismatch => ({ line, text: '', decision: 'pool', kernel: {}, model: {}, area: null });

test('the model holding more than the line: releases on other CPUs just after the line explain it, in order', () => {
  const s = new PoolReadSkew();
  assert.equal(s.check(100, 0, 1, 4, mismatch(100)), 'waiting');
  assert.equal(s.released(101, 0, 1, 2), 0, 'the pool reader\'s own CPU released before its read');
  assert.equal(s.released(102, 1, 0, 2), 0, 'another area');
  assert.equal(s.released(103, 1, 1, 2), 0, 'half of it');
  assert.equal(s.released(104, 2, 1, 2), 1, 'all of it');
  assert.deepEqual(s.expired(Infinity), []);
  assert.equal(s.explained, 1);
});

test('the model holding more than the line with no release in time: a mismatch when the window closes', () => {
  const s = new PoolReadSkew();
  s.check(100, 0, 1, 2, mismatch(100));
  assert.deepEqual(s.expired(100 + POOL_READ_SKEW_LINES), [], 'still in the window');
  assert.equal(s.released(100 + POOL_READ_SKEW_LINES + 1, 1, 1, 2), 0, 'too late to count');
  assert.deepEqual(
    s.expired(100 + POOL_READ_SKEW_LINES + 1).map((m) => m.line),
    [100],
  );
  assert.equal(s.explained, 0);
});

test('the line holding more than the model: only releases just before the line on other CPUs explain it', () => {
  const s = new PoolReadSkew();
  s.released(90, 1, 1, 2); // too far before the line
  s.released(97, 1, 1, 2);
  s.released(98, 0, 1, 2); // the reader's own CPU
  s.released(99, 2, 1, 2);
  assert.equal(s.check(100, 0, 1, -4, mismatch(100)), 'matched', 'the releases at lines 97 and 99');
  assert.equal(s.check(100, 0, 1, -6, mismatch(100)), 'mismatch', 'line 90 is outside the window and line 98 is the reader\'s');
  assert.equal(s.check(100, 0, 1, -3, mismatch(100)), 'mismatch', 'no run of whole releases adds up to 3 slots');
});
