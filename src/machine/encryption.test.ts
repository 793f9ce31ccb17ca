import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAddressMap } from './address-map.js';
import { MemoryEncryption } from './encryption.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const map = createAddressMap({ ramBytes: 64 * GiB });

test('MemoryEncryption: pages are private until shared; each call is one hypercall', () => {
  const enc = new MemoryEncryption(map, true);
  const pool = 3 * GiB;
  assert.equal(enc.isShared(pool, 4096), false);
  enc.setShared(pool, 16384);
  assert.equal(enc.isShared(pool, 64 * MiB), true);
  assert.equal(enc.isShared(pool + 100, 1), true);
  assert.equal(enc.isShared(pool - 1, 2), false, 'a range touching a private page is not shared');
  assert.equal(enc.isShared(pool + 64 * MiB - 1, 2), false);
  enc.setPrivate(pool + 4096, 2);
  assert.equal(enc.isShared(pool, 4096), true);
  assert.equal(enc.isShared(pool + 4096, 1), false);
  assert.deepEqual(enc.counters(), {
    enabled: true,
    setSharedCalls: 1,
    setPrivateCalls: 1,
    hypercalls: 2,
    pagesSharedTotal: 16384,
    pagesPrivateTotal: 2,
    sharedPages: 16382,
    sharedPagesPeak: 16384,
  });
});

test('MemoryEncryption: sharedPages counts state changes, also across 1 GiB chunks and repeated calls', () => {
  const enc = new MemoryEncryption(map, true);
  const start = 2 * GiB - 5 * 4096;
  enc.setShared(start, 10);
  enc.setShared(start, 10);
  assert.equal(enc.sharedPages, 10, 'sharing a shared page changes nothing but still costs a hypercall');
  assert.equal(enc.counters().hypercalls, 2);
  assert.equal(enc.isShared(start, 10 * 4096), true);
  enc.setPrivate(start, 10);
  assert.equal(enc.sharedPages, 0);
  enc.setShared(40 * GiB, 262144 * 2 + 37);
  assert.equal(enc.sharedPages, 262144 * 2 + 37);
  assert.equal(enc.isShared(40 * GiB, 2 * GiB + 37 * 4096), true);
});

test('MemoryEncryption: disabled on a normal machine: everything is shared and nothing is counted', () => {
  const enc = new MemoryEncryption(map, false);
  assert.equal(enc.isShared(5 * GiB, 4096), true);
  enc.setShared(0, 1);
  enc.setPrivate(0, 1);
  assert.equal(enc.isShared(0, 4096), true);
  assert.equal(enc.counters().hypercalls, 0);
  assert.equal(enc.counters().pagesSharedTotal, 0);
});

test('MemoryEncryption: rejects unaligned addresses, bad counts and non-RAM with RangeError', () => {
  for (const enabled of [true, false]) {
    const enc = new MemoryEncryption(map, enabled);
    assert.throws(() => enc.setShared(100, 1), /0x64: the address is not page aligned/);
    assert.throws(() => enc.setShared(0, 0), RangeError);
    assert.throws(() => enc.setPrivate(64 * GiB, 1), /not RAM/);
  }
});
