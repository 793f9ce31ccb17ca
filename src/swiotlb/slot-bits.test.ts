import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { freeRunAt, freeRunBefore, markSlots, longestFreeRun } from './slot-bits.js';

// Reference: the kernel's list semantics computed slot by slot from a boolean array.
function refRunAt(held: boolean[], g: number): number {
  let n = 0;
  while (g + n < held.length && !held[g + n] && ((g + n) & 127) !== 0 || (n === 0 && g < held.length && !held[g])) {
    if (held[g + n]) break;
    n++;
    if (((g + n) & 127) === 0) break;
  }
  return held[g] ? 0 : n;
}
function refRunBefore(held: boolean[], g: number): number {
  let n = 0;
  for (let i = g - 1; i >= 0 && (i & 127) !== 127 && !held[i]; i--) n++;
  return n;
}

test('slot bitmap: freeRunAt/freeRunBefore/longestFreeRun agree with a slot-by-slot reference', () => {
  fc.assert(
    fc.property(fc.array(fc.record({ g: fc.nat(511), n: fc.integer({ min: 1, max: 128 }), held: fc.boolean() }), { maxLength: 40 }), (ops) => {
      const bits = new Int32Array(16);
      const held: boolean[] = new Array(512).fill(false);
      for (const o of ops) {
        const n = Math.min(o.n, 512 - o.g);
        markSlots(bits, o.g, n, o.held);
        for (let i = o.g; i < o.g + n; i++) held[i] = o.held;
      }
      for (let g = 0; g < 512; g++) {
        assert.equal(freeRunAt(bits, g), refRunAt(held, g), `run at ${g}`);
        assert.equal(freeRunBefore(bits, g), refRunBefore(held, g), `run before ${g}`);
      }
      for (let s = 0; s < 4; s++) {
        let max = 0;
        for (let g = s * 128; g < s * 128 + 128; g++) max = Math.max(max, refRunAt(held, g));
        assert.equal(longestFreeRun(bits, s), max);
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
