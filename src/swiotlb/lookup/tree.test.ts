import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../../machine/device.js';
import { TreeLookup } from './tree.js';
import { NodeStore } from './node-store.js';
import { avlDelete, avlHeight, avlInsert } from './avl.js';

const PAGE = 4096;

test('TreeLookup: a lookup visits about log2(n) nodes, hot buffer or not', () => {
  const dev = createDevice({ name: 'gpu' });
  const t = new TreeLookup<number>();
  for (let i = 0; i < 1024; i++) t.insert(dev, i * 2 * PAGE, i * 2 * PAGE + PAGE, i);
  const before = t.counters.nodesVisited;
  for (let i = 0; i < 1024; i++) assert.equal(t.find(dev, i * 2 * PAGE + 7), i);
  const perLookup = (t.counters.nodesVisited - before) / 1024;
  assert.ok(perLookup >= 9 && perLookup <= 11.5, `~log2(1024) nodes per lookup, got ${perLookup}`);
  const b2 = t.counters.nodesVisited;
  for (let k = 0; k < 100; k++) t.find(dev, 0);
  assert.ok((t.counters.nodesVisited - b2) / 100 >= 9, 'repeating the same lookup does not get cheaper');
  assert.equal(t.find(dev, PAGE), null, 'a gap between ranges is not a hit');
});

test('TreeLookup: the allocator-wide tree checks the owner; a null owner is seen by every device', () => {
  const a = createDevice({ name: 'a' });
  const b = createDevice({ name: 'b' });
  const t = new TreeLookup<string>();
  t.insert(a, 0, PAGE, 'a0');
  t.insert(null, 0x100000, 0x200000, 'pool');
  assert.equal(t.find(b, 0), null);
  assert.equal(t.find(a, 0), 'a0');
  assert.equal(t.find(b, 0x150000), 'pool');
  assert.equal(t.counters.lockAcquisitions, 5);
});

test('TreeLookup: perDevice keeps one tree per device', () => {
  const a = createDevice({ name: 'a' });
  const b = createDevice({ name: 'b' });
  const t = new TreeLookup<number>({ perDevice: true });
  for (let i = 0; i < 64; i++) t.insert(a, i * PAGE, (i + 1) * PAGE, i);
  t.insert(b, 0x1000000, 0x1001000, 99);
  const before = t.counters.nodesVisited;
  assert.equal(t.find(b, 0x1000000), 99);
  assert.equal(t.counters.nodesVisited - before, 1);
  assert.equal(t.find(b, 0), null);
  assert.equal(t.remove(a, 5 * PAGE), 5);
  assert.equal(t.size, 64);
});

test('avlInsert/avlDelete keep the tree balanced and refuse duplicate starts', () => {
  const s = new NodeStore<number>();
  let root = -1;
  for (let i = 0; i < 4096; i++) root = avlInsert(s, root, s.alloc(i * 10, i * 10 + 5, 0, i));
  assert.ok(avlHeight(s, root) <= 1.45 * Math.log2(4097));
  for (let i = 0; i < 4096; i += 2) root = avlDelete(s, root, i * 10);
  assert.ok(avlHeight(s, root) <= 1.45 * Math.log2(2049));
  assert.throws(() => avlInsert(s, root, s.alloc(10, 12, 0, 0)), { code: 'lookup_duplicate' });
});
