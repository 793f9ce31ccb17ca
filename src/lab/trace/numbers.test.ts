import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanHex, scanHexTo, scanInt, scanIntTo, scanStop, scanTimestamp } from './numbers.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const int = (s: string): number => scanInt(b(s), 0, s.length);
const hex = (s: string): number => scanHex(b(s), 0, s.length);

test('scanInt reads decimal, negative decimal and 0x-hex', () => {
  assert.equal(int('0'), 0);
  assert.equal(int('16388'), 16388);
  assert.equal(int('-1'), -1);
  assert.equal(int('0x7b902000'), 0x7b902000);
  assert.equal(int('0X1F'), 31);
  assert.equal(int('-0'), 0);
});

test('scanInt maps the all-ones 64-bit value to -1 and other values >= 2^53 to Infinity', () => {
  assert.equal(int('0xffffffffffffffff'), -1);
  assert.equal(int('0x0000ffffffffffffffff'), -1);
  assert.equal(int('0x1fffffffffffff'), Number.MAX_SAFE_INTEGER);
  assert.equal(int('0x20000000000000'), Infinity);
  assert.equal(int('0xffff8880052890d0'), Infinity);
  assert.equal(int('9007199254740992'), Infinity);
  assert.equal(int('9007199254740991'), Number.MAX_SAFE_INTEGER);
});

test('scanInt rejects malformed and over-wide values with NaN', () => {
  for (const s of ['', 'abc', '0x', '12a', '-', '0x1ffffffffffffffff', '1 2', '0xg']) assert.ok(Number.isNaN(int(s)), s);
});

test('scanHex reads prefix-less %llx values', () => {
  assert.equal(hex('491d000'), 0x491d000);
  assert.equal(hex('ffffffffffffffff'), -1);
  assert.equal(hex('ABCdef'), 0xabcdef);
  assert.ok(Number.isNaN(hex('0x10')));
});

test('scanIntTo and scanHexTo stop at a space and report where', () => {
  const line = b('slot=16388 nslots=2');
  assert.equal(scanIntTo(line, 5, line.length), 16388);
  assert.equal(scanStop.at, 10);
  assert.equal(scanHexTo(line, 5, 7), 0x16);
  assert.equal(scanStop.at, 7);
});

test('scanTimestamp reads counter integers and seconds.fraction exactly like Number()', () => {
  const ts = (s: string): number => scanTimestamp(b(s), 0, s.length);
  assert.equal(ts('4401'), 4401);
  assert.equal(ts('4401.123456'), 4401.123456);
  assert.equal(ts('0.000001'), 0.000001);
  assert.equal(ts('123456789.123456789'), 123456789.123456789);
  for (const s of ['', '.', '1.', '.5', '1.2.3', '1a']) assert.ok(Number.isNaN(ts(s)), s);
});
