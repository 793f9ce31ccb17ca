import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cStringBytes, isDigitAt, restEquals, simpleStrtoul } from './params-strtoul.js';

function strtoul(text: string) {
  return simpleStrtoul(cStringBytes(text), 0);
}

test('simpleStrtoul() detects decimal, octal and hex like base 0', () => {
  assert.deepEqual(strtoul('1234x'), { value: 1234n, end: 4, base: 10, digits: 4, overflowed: false });
  assert.deepEqual(strtoul('0777'), { value: 511n, end: 4, base: 8, digits: 4, overflowed: false });
  assert.deepEqual(strtoul('0x1F,'), { value: 31n, end: 4, base: 16, digits: 2, overflowed: false });
  assert.deepEqual(strtoul('0XaBc'), { value: 2748n, end: 5, base: 16, digits: 3, overflowed: false });
});

test('simpleStrtoul() stops at the first digit outside the base', () => {
  assert.equal(strtoul('09').end, 1);
  assert.equal(strtoul('0x').end, 1);
  assert.equal(strtoul('0xg').base, 8);
  assert.equal(strtoul('12ab').end, 2);
  assert.equal(strtoul('0').value, 0n);
});

test('simpleStrtoul() wraps mod 2^64 without complaint', () => {
  const r = strtoul('0x1ffffffffffffffff');
  assert.equal(r.value, 0xffffffffffffffffn);
  assert.equal(r.overflowed, true);
  assert.equal(strtoul('18446744073709551617').value, 1n);
  const long = strtoul('9'.repeat(5000));
  assert.equal(long.end, 5000);
  assert.equal(long.overflowed, true);
  assert.ok(long.value < 1n << 64n);
});

test('cStringBytes() encodes UTF-8 and cuts at the first NUL', () => {
  assert.deepEqual([...cStringBytes('a\u0000b')], [0x61]);
  assert.equal(cStringBytes('\u00e9').length, 2);
});

test('isDigitAt() accepts ASCII digits only, and nothing past the end', () => {
  const b = cStringBytes('5\u0665');
  assert.equal(isDigitAt(b, 0), true);
  assert.equal(isDigitAt(b, 1), false);
  assert.equal(isDigitAt(b, 9), false);
});

test('restEquals() compares the whole rest, case-sensitively', () => {
  const b = cStringBytes('32force');
  assert.equal(restEquals(b, 2, 'force'), true);
  assert.equal(restEquals(b, 1, 'force'), false);
  assert.equal(restEquals(cStringBytes('Force'), 0, 'force'), false);
});
