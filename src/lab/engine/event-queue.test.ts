import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventQueue } from './event-queue.js';

test('EventQueue pops in time order, ties in insertion order', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
      const q = new EventQueue(4);
      times.forEach((t, i) => q.push(t, 0, i));
      const out: [number, number][] = [];
      while (q.size > 0) {
        out.push([q.peekTime(), q.peekRef()]);
        q.pop();
      }
      const want = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      assert.deepEqual(out, want);
    }),
    { numRuns: 300, seed: 3 },
  );
});
