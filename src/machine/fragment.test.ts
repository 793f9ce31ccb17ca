import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAddressMap } from './address-map.js';
import { fragmentMemory } from './fragment.js';
import { PageAllocator } from './page-allocator.js';

const MiB = 2 ** 20;
const ZONES = ['dma', 'dma32', 'normal', 'cma'] as const;

function fresh(): PageAllocator {
  return new PageAllocator(createAddressMap({ ramBytes: 64 * MiB }), { cma: { size: 8 * MiB } });
}

test('fragmentMemory: stride 2 makes order-1 allocations fail as fragmented while half the pages are free', () => {
  const pages = fresh();
  const before = ZONES.map((z) => pages.buddyInfo(z));
  const h = fragmentMemory(pages, ZONES, { kind: 'stride', stride: 2 });
  assert.equal(h.heldPages, 8192);
  assert.equal(pages.pagesFree('dma32') + pages.pagesFree('dma') + pages.pagesFree('cma'), 8192);
  assert.equal(pages.alloc({ order: 1, maySleep: true }), -1);
  assert.equal(pages.lastFailure, 'fragmented');
  assert.deepEqual(pages.counters().failures.fragmented.slice(0, 2), [0, 1]);
  const a = pages.alloc({ order: 0, maySleep: false });
  assert.notEqual(a, -1);
  pages.free(a, 0);
  h.release();
  h.release();
  assert.deepEqual(ZONES.map((z) => pages.buddyInfo(z)), before, 'release restores the unfragmented state');
  assert.deepEqual(pages.counters().allocations[0], 1, 'held pages are not counted as allocations');
});

test('fragmentMemory: stride 2^k leaves free blocks of order k - 1 at most', () => {
  const pages = fresh();
  fragmentMemory(pages, ['dma', 'dma32'], { kind: 'stride', stride: 16 });
  assert.notEqual(pages.alloc({ order: 3, maySleep: false }), -1);
  assert.equal(pages.alloc({ order: 4, maySleep: false }), -1);
  assert.equal(pages.lastFailure, 'fragmented');
  assert.deepEqual(pages.buddyInfo('dma32').slice(4), [0, 0, 0, 0, 0, 0, 0]);
  assert.equal(pages.alloc({ order: 10, maySleep: true }), pages.cmaBase, 'areas not named (CMA) are untouched');
});

test('fragmentMemory: a random pattern is the same for the same seed and differs for another', () => {
  const run = (seed: number): number[][] => {
    const pages = fresh();
    const h = fragmentMemory(pages, ['dma32'], { kind: 'random', fraction: 0.3, seed });
    assert.ok(h.heldPages > 1500 && h.heldPages < 3300, `held ${h.heldPages} of 10240`);
    return [pages.buddyInfo('dma32'), [h.heldPages]];
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});

test('fragmentMemory: rejects a bad stride or fraction', () => {
  const pages = fresh();
  assert.throws(() => fragmentMemory(pages, ['dma'], { kind: 'stride', stride: 3 }), RangeError);
  assert.throws(() => fragmentMemory(pages, ['dma'], { kind: 'stride', stride: 1 }), RangeError);
  assert.throws(() => fragmentMemory(pages, ['dma'], { kind: 'random', fraction: 1.5, seed: 1 }), RangeError);
  assert.equal(pages.pagesFree('dma'), 4096, 'nothing held after a rejected pattern');
});
