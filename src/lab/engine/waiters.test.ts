import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Waiters } from './waiters.js';
import type { Device } from '../../machine/device.js';

const dev = { name: 'nvme' } as Device;

test('blocked callers wake in the order they blocked, across batches and many thousands of waits', () => {
  const w = new Waiters();
  let next = 0;
  let woken = 0;
  // Block in bursts and wake fewer than blocked, so the FIFO grows past its compaction point and drains.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 100; i++) w.block({ job: 0, tag: next++, since: round, dev });
    for (let i = 0; i < (round < 40 ? 60 : 200) && w.blocked > 0; i++) assert.equal(w.wakeFirst().tag, woken++);
  }
  while (w.blocked > 0) assert.equal(w.wakeFirst().tag, woken++);
  assert.equal(woken, next);
  w.block({ job: 1, tag: 7, since: 0, dev });
  assert.equal(w.blocked, 1);
  assert.equal(w.wakeFirst().job, 1);
});

test('a deferred map is found once by ticket, and its address is taken once by job and tag', () => {
  const w = new Waiters();
  w.defer(3, { job: 2, tag: 9, since: 10, size: 4096, phys: 0x1000, cpuPattern: -1 });
  assert.equal(w.completed(4), undefined);
  assert.equal(w.completed(3)?.tag, 9);
  assert.equal(w.completed(3), undefined);
  w.setResult(2, 9, 0x8000_0000);
  assert.equal(w.takeResult(2, 8), undefined);
  assert.equal(w.takeResult(2, 9), 0x8000_0000);
  assert.equal(w.takeResult(2, 9), undefined);
});
