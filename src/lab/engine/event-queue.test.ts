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

test('EventQueue keeps (time, insertion) order when pushes and pops interleave (lanes and the front slot are invisible)', () => {
  // An op is a push at a time offset from the last popped time (0 = "now", as a handler schedules the next event) or a pop.
  const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 20 }) }), fc.constant({ pop: true as const }));
  fc.assert(
    fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
      const q = new EventQueue(2);
      const ref: [number, number, number][] = [];
      let now = 0;
      let seq = 0;
      for (const o of ops) {
        if ('push' in o) {
          const t = now + o.push;
          // Few kinds, so lanes fill and events arrive both in and out of their lane's order; 4096 has no lane.
          const kind = seq % 5 === 0 ? 4096 : seq & 3;
          q.push(t, kind, seq);
          ref.push([t, seq, kind]);
          seq++;
        } else {
          ref.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          const want = ref.shift();
          assert.equal(q.size, want === undefined ? 0 : ref.length + 1);
          if (want === undefined) {
            assert.equal(q.peekTime(), Infinity);
            q.pop();
            continue;
          }
          assert.deepEqual([q.peekTime(), q.peekRef(), q.peekKind()], want);
          q.pop();
          now = want[0];
        }
      }
      assert.equal(q.size, ref.length);
    }),
    { numRuns: 500, seed: 5 },
  );
});
