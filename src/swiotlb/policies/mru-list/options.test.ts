import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mruListOptionsFromParam } from './options.js';
import { ByteTime } from './byte-time.js';

test('mruListOptionsFromParam(): `dynamic` in the v2 option list turns dynamic buffers on, its absence off', () => {
  assert.deepEqual(mruListOptionsFromParam('32768,dynamic').options, { dynamic: true });
  assert.deepEqual(mruListOptionsFromParam('32768,force,dynamic').options, { dynamic: true });
  assert.deepEqual(mruListOptionsFromParam('32768,force').options, { dynamic: false });
  const r = mruListOptionsFromParam('32768,dynamic,bogus');
  assert.equal(r.options.dynamic, true);
  assert.ok(r.logLines.some((l) => l.includes('Invalid swiotlb option: bogus')), r.logLines.join('\n'));
});

test('ByteTime: integrates the value over time, tracks the peak, ignores time going backwards', () => {
  const t = new ByteTime(100);
  t.set(10, 300);
  t.set(20, 50);
  t.set(15, 60); // earlier than the last change: counts as at 20
  assert.equal(t.integralAt(30), 100 * 10 + 300 * 10 + 60 * 10);
  assert.deepEqual([t.value, t.peak], [60, 300]);
});
