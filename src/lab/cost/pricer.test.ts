import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { METER_FIELDS, Pricer, readMeter } from './pricer.js';
import { resolveCosts } from './cost-model.js';
import { newCostMeter, type CostMeter } from '../../swiotlb/policy.js';

const N = METER_FIELDS.length;

/** A meter with the given values in METER_FIELDS order. */
function meterOf(values: number[]): CostMeter {
  const m = newCostMeter();
  METER_FIELDS.forEach((f, i) => {
    m[f] = values[i]!;
  });
  return m;
}

/** The price of the work between two snapshots, field by field in METER_FIELDS order (fields that did not move add nothing). */
function reference(pricer: Pricer, before: Float64Array, after: Float64Array): number {
  let ns = 0;
  for (let i = 0; i < N; i++) {
    const d = after[i]! - before[i]!;
    if (d !== 0) ns += pricer.priceOf(i, d);
  }
  return ns;
}

test('priceAndAdvance() is bit-identical to pricing two snapshots field by field, and leaves the second snapshot', () => {
  // Costs with fractions so that summation order shows in the last bits.
  const pricer = new Pricer(resolveCosts({ copyNsPerByte: 0.0731, searchStepNs: 1.7, nodeVisitNs: 3.3, hypercallNsPerPage: 0.9 }));
  const count = fc.integer({ min: 0, max: 2 ** 40 });
  fc.assert(
    fc.property(fc.array(count, { minLength: N, maxLength: N }), fc.array(fc.integer({ min: 0, max: 2 ** 20 }), { minLength: N, maxLength: N }), (start, delta) => {
      const before = new Float64Array(N);
      readMeter(meterOf(start), before);
      const m = meterOf(start.map((v, i) => v + delta[i]!));
      const after = new Float64Array(N);
      readMeter(m, after);
      const want = reference(pricer, before, after);
      assert.ok(Object.is(pricer.priceAndAdvance(m, before), want));
      assert.deepEqual([...before], [...after]);
      // Advanced: nothing more to price.
      assert.ok(Object.is(pricer.priceAndAdvance(m, before), 0));
    }),
  );
});

test('priceAndAdvance() prices each field at its own unit cost', () => {
  const costs = resolveCosts();
  const pricer = new Pricer(costs);
  const before = new Float64Array(N);
  const m = newCostMeter();
  readMeter(m, before);
  m.bytesCopied = 4096;
  m.copies = 1;
  assert.equal(pricer.priceAndAdvance(m, before), 4096 * costs.copyNsPerByte + costs.copyNsPerCall);
  m.bytesCopied += 512;
  m.copies++;
  m.hypercalls = 2;
  assert.equal(pricer.priceAndAdvance(m, before), 512 * costs.copyNsPerByte + costs.copyNsPerCall + 2 * costs.hypercallNs);
  // Nothing moved: exactly +0, not -0.
  assert.ok(Object.is(pricer.priceAndAdvance(newCostMeter(), new Float64Array(N)), 0));
});
