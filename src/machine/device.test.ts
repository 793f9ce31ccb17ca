import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice, dmaReachLimit } from './device.js';
import { dmaBitMask, parseMask, MASK_ALL, andLowMask, lowBits } from './mask.js';
import { InputError } from '../util/errors.js';

test('createDevice rejects masks that make no sense with a clear error', () => {
  const bad: [Record<string, number>, RegExp][] = [
    [{ dmaMask: 0 }, /dmaMask is 0/],
    [{ dmaMask: 0x1234 }, /dmaMask must be of the form 2\^k - 1: current value is 0x1234/],
    [{ minAlignMask: 0xf0f }, /minAlignMask must be of the form/],
    [{ segmentBoundaryMask: 0x3ff }, /segmentBoundaryMask must cover at least one 2 KiB slot/],
    [{ segmentBoundaryMask: 0x10000 }, /segmentBoundaryMask must be of the form/],
    [{ maxSegmentSize: 0 }, /maxSegmentSize must be a positive integer/],
    [{ busDmaLimit: -1 }, /busDmaLimit must be a non-negative integer/],
  ];
  for (const [o, msg] of bad) {
    assert.throws(() => createDevice({ name: 'd', ...o }), (e: unknown) => e instanceof InputError && e.code === 'bad_device' && msg.test(e.message));
  }
});

test('dmaReachLimit is min_not_zero(dma_mask, bus_dma_limit)', () => {
  assert.equal(dmaReachLimit(createDevice({ name: 'a', dmaMask: dmaBitMask(32) })), 0xffffffff);
  assert.equal(dmaReachLimit(createDevice({ name: 'b', dmaMask: dmaBitMask(32), busDmaLimit: 0x3fffffff })), 0x3fffffff);
  assert.equal(dmaReachLimit(createDevice({ name: 'c' })), MASK_ALL);
});

test('parseMask reads 64-bit hex, clamps all-ones, and refuses junk and >64-bit values', () => {
  assert.equal(parseMask('0xffffffffffffffff', 'm'), MASK_ALL);
  assert.equal(parseMask('0xfff', 'm'), 0xfff);
  assert.equal(parseMask('4095', 'm'), 4095);
  assert.throws(() => parseMask('0x1ffffffffffffffff', 'm'), /wider than 64 bits/);
  assert.throws(() => parseMask('12abc', 'm'), /expected a decimal or 0x-hex integer/);
});

test('andLowMask and lowBits are exact above 2^32', () => {
  const a = 0x1_2345_6789_a;
  assert.equal(andLowMask(a, 0xffffffff), 0x23456789a % 2 ** 32);
  assert.equal(lowBits(a, 2048), a % 2048);
  assert.equal(lowBits(0x79900a00, 2048), 0x200);
});
