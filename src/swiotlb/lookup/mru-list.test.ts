import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../../machine/device.js';
import { MruListLookup } from './mru-list.js';

const PAGE = 4096;

test('MruListLookup: a hit moves the entry to the head, so the next lookup of it visits one node', () => {
  const dev = createDevice({ name: 'gpu' });
  const l = new MruListLookup<number>();
  for (let i = 0; i < 32; i++) l.insert(dev, i * PAGE * 16, i * PAGE * 16 + PAGE, i);
  // Buffer 0 is at the tail (inserted first).
  assert.equal(l.find(dev, 5), 0);
  assert.equal(l.counters.nodesVisited, 32);
  assert.equal(l.counters.moves, 1);
  assert.equal(l.find(dev, 100), 0);
  assert.equal(l.counters.nodesVisited, 33);
  assert.equal(l.counters.lockAcquisitions, 32 + 2);
});

test('MruListLookup: round-robin lookups over n buffers walk n nodes each (the LRU worst case)', () => {
  const dev = createDevice({ name: 'nic' });
  const l = new MruListLookup<number>();
  for (let i = 0; i < 32; i++) l.insert(dev, i * PAGE, (i + 1) * PAGE, i);
  const before = l.counters.nodesVisited;
  for (let round = 0; round < 4; round++) for (let i = 0; i < 32; i++) assert.equal(l.find(dev, i * PAGE), i);
  assert.equal((l.counters.nodesVisited - before) / 128, 32);
});

test('MruListLookup: remove walks without moving and unlinks', () => {
  const dev = createDevice({ name: 'd' });
  const l = new MruListLookup<string>();
  l.insert(dev, 0x1000, 0x2000, 'old');
  l.insert(dev, 0x3000, 0x4000, 'new');
  assert.equal(l.remove(dev, 0x1800), 'old');
  assert.equal(l.counters.moves, 0);
  assert.equal(l.counters.nodesVisited, 2);
  assert.equal(l.find(dev, 0x1800), null);
  assert.equal(l.find(dev, 0x3000), 'new');
  assert.equal(l.size, 1);
});

test('MruListLookup: a device without dynamic buffers pays no node and no lock (have_dyn)', () => {
  const gpu = createDevice({ name: 'gpu' });
  const nvme = createDevice({ name: 'nvme' });
  const l = new MruListLookup<number>();
  for (let i = 0; i < 8; i++) l.insert(gpu, i * PAGE, (i + 1) * PAGE, i);
  const c = { ...l.counters };
  for (let i = 0; i < 100; i++) assert.equal(l.find(nvme, i * PAGE), null);
  assert.equal(l.counters.nodesVisited, c.nodesVisited);
  assert.equal(l.counters.lockAcquisitions, c.lockAcquisitions);
  assert.equal(l.counters.skipped, 100);
  assert.equal(l.haveDyn(nvme), false);
  assert.equal(l.haveDyn(gpu), true);
});

test('MruListLookup: have_dyn stays set after the last buffer is removed (the flag is never cleared)', () => {
  const dev = createDevice({ name: 'd' });
  const l = new MruListLookup<number>();
  l.insert(dev, 0, PAGE, 1);
  l.remove(dev, 0);
  assert.equal(l.haveDyn(dev), true);
  assert.equal(l.find(dev, 0), null);
  assert.equal(l.counters.skipped, 0);
});

test('MruListLookup: entries are per device; another device never sees them', () => {
  const a = createDevice({ name: 'a' });
  const b = createDevice({ name: 'b' });
  const l = new MruListLookup<number>();
  l.insert(a, 0, PAGE, 1);
  l.insert(b, PAGE, 2 * PAGE, 2);
  assert.equal(l.find(b, 0), null);
  assert.equal(l.find(a, 0), 1);
  assert.throws(() => l.insert(null, 0, PAGE, 3), { code: 'lookup_no_owner' });
});
