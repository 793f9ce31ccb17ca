import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseSwiotlbParams } from './params.js';
import type { SwiotlbParamState } from './params.js';
import { parseKernelCmdline } from './params-cmdline.js';
import { explainSwiotlbParams } from './params-explain.js';
import { isPowerOfTwo } from './sizing-math.js';

/** Invariants of the globals after any parse (spec §1.5; UB case documented in sizing-math.ts). */
function assertStateInvariants(s: SwiotlbParamState): void {
  const multiple = s.defaultNslabs % 128 === 0;
  assert.ok(multiple || (s.undefinedBehaviour && s.defaultNslabs === 1), `nslabs ${s.defaultNslabs}`);
  assert.ok(Number.isInteger(s.defaultNslabs) && s.defaultNslabs >= 0 && s.defaultNslabs < 2 ** 64);
  assert.ok(s.defaultNareas === 0 || (isPowerOfTwo(s.defaultNareas) && s.defaultNareas <= 2 ** 31));
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('0', '1', '7', '8', '9', 'x', 'X', 'a', 'F', ',', 'f', 'o', 'r', 'c', 'e', 'n'), maxLength: 30 }),
);

const digitRun = fc.string({ unit: fc.constantFrom('0', '1', '5', '9'), minLength: 1, maxLength: 400 });
const numberish = fc.tuple(
  fc.constantFrom('', '0x', '0X', '0'),
  digitRun,
  fc.constantFrom('', ',', ',,'),
  fc.option(digitRun, { nil: '' }),
  fc.constantFrom('', ',', 'force', ',force', ',noforce', 'x', '\u00e9'),
).map((parts) => parts.join(''));

test('parseSwiotlbParams() never throws and keeps nslabs a multiple of 128 on any text', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(anyText, numberish), { minLength: 1, maxLength: 4 }), fc.boolean(), (values, dyn) => {
      const r = parseSwiotlbParams(values, { dynamicOption: dyn });
      assertStateInvariants(r.state);
      assert.equal(r.occurrences.length, values.length);
      for (const line of r.logLines) assert.ok(line.startsWith('software IO TLB: '));
    }),
    { numRuns: 250 },
  );
});

test('parseSwiotlbParams() handles very long digit runs (wrap-around) without throwing', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('1', '9'), minLength: 1000, maxLength: 4000 }), (digits) => {
      const r = parseSwiotlbParams([digits, `,${digits}`, `${digits},${digits}force`]);
      assertStateInvariants(r.state);
      assert.equal(r.occurrences[0]?.slabs?.overflowed, true);
    }),
    { numRuns: 10 },
  );
});

test('parseKernelCmdline() and explainSwiotlbParams() never throw on any command line', () => {
  const word = fc.oneof(
    anyText,
    numberish.map((v) => `swiotlb=${v}`),
    fc.constantFrom('swiotlb', 'swiotlb=', '--', '"', 'swiotlb="force', '"swiotlb=noforce"', 'quiet', '\u00a0'),
  );
  fc.assert(
    fc.property(fc.array(word, { maxLength: 6 }), fc.constantFrom(' ', '\t', '  ', '\n'), (words, sep) => {
      const r = parseKernelCmdline(words.join(sep));
      assertStateInvariants(r.state);
      const findings = explainSwiotlbParams(r, { possibleCpus: 8 });
      for (const f of findings) assert.doesNotMatch(f.message, /^$|NaN|\[object|undefined (slot|area)|\de\+\d/);
    }),
    { numRuns: 200 },
  );
});
