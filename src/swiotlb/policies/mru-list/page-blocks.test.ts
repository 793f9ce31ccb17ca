import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../../machine/machine.js';
import { newDynCounters } from './dyn-counters.js';
import { PagesResult, RUN_ORDER, allocBuddyBlock, allocCmaRun, getOrder } from './page-blocks.js';

const MiB = 1 << 20;

test('getOrder() is get_order() in pages', () => {
  assert.deepEqual([1, 2, 3, 16, 17, 1024, 1025, 2048, 8704].map(getOrder), [0, 1, 2, 4, 5, 10, 11, 11, 14]);
});

test('allocCmaRun(): a run longer than the largest free CMA range fails as fragmented and gives every block back', () => {
  const machine = createMachine({ ramBytes: 256 * MiB, memory: 'accounting', cma: { size: 16 * MiB } });
  const pages = machine.pages;
  const a = pages.alloc({ order: 10, maySleep: true });
  const b = pages.alloc({ order: 10, maySleep: true });
  assert.equal(b - a, 4 * MiB);
  pages.free(a, 10); // free: blocks 0, 2, 3 (12 MiB, at most 8 MiB contiguous)
  const c = newDynCounters();
  const out = new PagesResult();
  assert.equal(allocCmaRun(pages, (12 * MiB) / 4096, 2 ** 40, c, out), false);
  assert.equal(out.failure, 'fragmented');
  assert.equal(pages.pagesFree('cma'), (12 * MiB) / 4096);
  assert.equal(c.pageAllocs, c.pageFrees);
  assert.equal(allocCmaRun(pages, (20 * MiB) / 4096, 2 ** 40, c, out), false);
  assert.equal(out.failure, 'no_memory');
});

test('allocCmaRun(): 6 MiB + 8 KiB is one order-10, one order-9 and one order-1 block, adjacent', () => {
  const machine = createMachine({ ramBytes: 256 * MiB, memory: 'accounting', cma: { size: 16 * MiB } });
  const c = newDynCounters();
  const out = new PagesResult();
  const npages = (6 * MiB + 8192) / 4096;
  assert.ok(allocCmaRun(machine.pages, npages, 2 ** 40, c, out));
  assert.deepEqual([out.order, out.pages, out.cma, c.pageAllocs], [RUN_ORDER, npages, true, 3]);
  assert.equal(out.addr, machine.pages.cmaBase);
  assert.equal(machine.pages.pagesFree('cma'), (16 * MiB) / 4096 - npages);
});

test('allocBuddyBlock(): a block above the device limit in the lowest zone fails as unreachable', () => {
  const machine = createMachine({ ramBytes: 64 * MiB, memory: 'accounting' });
  assert.ok(machine.pages.reserve(0, 8 * MiB));
  const c = newDynCounters();
  const out = new PagesResult();
  assert.equal(allocBuddyBlock(machine.pages, 1, 8 * MiB - 1, false, c, out), false);
  assert.deepEqual([out.failure, c.pageAllocs, c.pageFrees], ['unreachable', 1, 1]);
});

test('allocBuddyBlock(): a CMA block above the limit is given back and plain buddy memory of the same zone is used', () => {
  const machine = createMachine({ ramBytes: 2048 * MiB, memory: 'accounting', cma: { size: 64 * MiB } });
  assert.ok(machine.pages.cmaBase >= 1024 * MiB, 'CMA placed top-down');
  const c = newDynCounters();
  const out = new PagesResult();
  assert.ok(allocBuddyBlock(machine.pages, 512, 1024 * MiB - 1, true, c, out));
  assert.deepEqual([out.cma, out.order, c.pageAllocs, c.pageFrees], [false, 9, 2, 1]);
  assert.ok(out.addr + 2 * MiB <= 1024 * MiB);
});
