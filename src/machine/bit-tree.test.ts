import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BitTree } from './bit-tree.js';

test('BitTree: first, next and prev agree with a sorted array', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(fc.nat(), { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 50 }), (size, adds, dels) => {
      const t = new BitTree(size);
      const model = new Set<number>();
      for (const a of adds) {
        t.add(a % size);
        model.add(a % size);
      }
      for (const d of dels) {
        t.delete(d % size);
        model.delete(d % size);
      }
      const sorted = [...model].sort((x, y) => x - y);
      assert.equal(t.first(), sorted[0] ?? -1);
      for (const probe of [0, 1, 31, 32, 33, 1023, 1024, 1025, size - 1, size, Math.floor(size / 2)]) {
        assert.equal(t.next(probe), sorted.find((v) => v >= probe) ?? -1);
        assert.equal(t.prev(probe), [...sorted].reverse().find((v) => v < probe) ?? -1);
        assert.equal(t.has(probe), model.has(probe));
      }
    }),
    { numRuns: 200 },
  );
});

test('BitTree: handles members in the top word of a large tree', () => {
  const t = new BitTree(2 ** 24);
  t.add(2 ** 24 - 1);
  t.add(5);
  assert.equal(t.first(), 5);
  assert.equal(t.next(6), 2 ** 24 - 1);
  assert.equal(t.prev(2 ** 24), 2 ** 24 - 1);
  assert.equal(t.prev(2 ** 24 - 1), 5);
  t.delete(5);
  assert.equal(t.prev(2 ** 24 - 1), -1);
});
