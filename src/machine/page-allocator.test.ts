import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContractError, InputError } from '../util/errors.js';
import { createAddressMap, type AddressMapOptions } from './address-map.js';
import { MAX_ORDER, PAGE_SIZE } from './constants.js';
import type { PageAllocatorOptions } from './gfp.js';
import { PageAllocator } from './page-allocator.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const orders = (counts: Record<number, number>): number[] =>
  Array.from({ length: MAX_ORDER + 1 }, (_, k) => counts[k] ?? 0);

function allocator(map: AddressMapOptions, options: PageAllocatorOptions = {}): PageAllocator {
  return new PageAllocator(createAddressMap(map), options);
}

test('PageAllocator: a new allocator has all RAM free in max-order blocks per zone', () => {
  const pages = allocator({ ramBytes: 64 * MiB });
  assert.deepEqual(pages.buddyInfo('dma'), orders({ 10: 4 }));
  assert.deepEqual(pages.buddyInfo('dma32'), orders({ 10: 12 }));
  assert.deepEqual(pages.buddyInfo('normal'), orders({}));
  assert.deepEqual(pages.counters().pagesFree, { dma: 4096, dma32: 12288, normal: 0, cma: 0 });
});

test('PageAllocator: alloc takes the smallest sufficient order, lowest address first', () => {
  const pages = allocator({ ramBytes: 64 * MiB });
  const a = (order: number): number => pages.alloc({ order, maySleep: false });
  assert.equal(a(0), 16 * MiB, 'first page of the highest zone with RAM');
  assert.equal(a(0), 16 * MiB + 4096, 'the split-off buddy is used next');
  assert.equal(a(1), 16 * MiB + 8192);
  assert.equal(a(0), 16 * MiB + 16384, 'an order-2 block is split when no order-0 block is free');
  assert.equal(a(10), 20 * MiB);
  assert.deepEqual(pages.counters().allocations, orders({ 0: 3, 1: 1, 10: 1 }));
  assert.equal(pages.counters().fallbacks, 0, 'an empty Normal zone is not a fallback');
});

test('PageAllocator: freeing everything coalesces buddies back to the initial state', () => {
  const pages = allocator({ ramBytes: 40 * MiB, holes: [{ start: 20 * MiB + 8192, size: MiB }] });
  const initial = (['dma', 'dma32'] as const).map((z) => pages.buddyInfo(z));
  const blocks: Array<[number, number]> = [];
  for (let i = 0; i < 300; i++) {
    const order = (i * 7) % 6;
    const addr = pages.alloc({ order, maySleep: false });
    assert.notEqual(addr, -1);
    assert.equal(addr % (PAGE_SIZE * 2 ** order), 0, 'blocks are aligned to their order');
    blocks.push([addr, order]);
  }
  // Free in a scrambled order.
  for (let i = 0; i < blocks.length; i++) {
    const [addr, order] = blocks[(i * 113) % blocks.length]!;
    pages.free(addr, order);
  }
  assert.deepEqual((['dma', 'dma32'] as const).map((z) => pages.buddyInfo(z)), initial);
  const c = pages.counters();
  assert.deepEqual(c.frees, c.allocations);
});

test('PageAllocator: dma requests stay below 16 MiB; dma32 and normal fall back to lower zones', () => {
  const pages = allocator({ ramBytes: 24 * MiB });
  for (let i = 0; i < 4; i++) assert.ok(pages.alloc({ order: 10, zone: 'dma', maySleep: false }) < 16 * MiB);
  assert.equal(pages.alloc({ order: 0, zone: 'dma', maySleep: false }), -1, 'ZONE_DMA is full even though DMA32 is not');
  assert.equal(pages.lastFailure, 'no_memory');
  const pages2 = allocator({ ramBytes: 24 * MiB });
  assert.equal(pages2.alloc({ order: 10, zone: 'dma32', maySleep: false }), 16 * MiB);
  assert.equal(pages2.alloc({ order: 10, zone: 'normal', maySleep: false }), 20 * MiB);
  assert.equal(pages2.counters().fallbacks, 0);
  assert.equal(pages2.alloc({ order: 10, zone: 'dma32', maySleep: false }), 0, 'DMA32 full: falls back to DMA');
  assert.equal(pages2.counters().fallbacks, 1);
});

test('PageAllocator: failures are counted by order and cause, fragmented when free pages suffice', () => {
  const pages = allocator({ ramBytes: 8 * MiB });
  const all: number[] = [];
  for (;;) {
    const a = pages.alloc({ order: 0, maySleep: false });
    if (a < 0) break;
    all.push(a);
  }
  assert.equal(all.length, 2048);
  assert.equal(pages.lastFailure, 'no_memory');
  for (let i = 0; i < all.length; i += 2) pages.free(all[i]!, 0);
  assert.equal(pages.pagesFree('dma'), 1024);
  assert.equal(pages.alloc({ order: 1, maySleep: false }), -1);
  assert.equal(pages.lastFailure, 'fragmented');
  assert.equal(pages.alloc({ order: 10, maySleep: false }), -1);
  assert.equal(pages.lastFailure, 'fragmented', '1024 free pages, but no 1024-page block');
  assert.notEqual(pages.alloc({ order: 0, maySleep: false }), -1);
  assert.equal(pages.lastFailure, null);
  const f = pages.counters().failures;
  assert.deepEqual(f.no_memory, orders({ 0: 1 }));
  assert.deepEqual(f.fragmented, orders({ 1: 1, 10: 1 }));
});

test('PageAllocator: CMA is refused to atomic callers and granted to sleepers', () => {
  const pages = allocator({ ramBytes: 64 * MiB }, { cma: { size: 8 * MiB } });
  assert.equal(pages.cmaBase, 56 * MiB, 'placed top-down at the end of RAM');
  assert.equal(pages.pagesFree('cma'), 2048);
  assert.equal(pages.pagesFree('dma32'), 12288 - 2048);
  const inCma = (a: number): boolean => a >= pages.cmaBase && a < pages.cmaBase + pages.cmaSize;
  let atomic = 0;
  for (;;) {
    const a = pages.alloc({ order: 10, maySleep: false });
    if (a < 0) break;
    assert.ok(!inCma(a), `atomic allocation got CMA memory at ${a}`);
    atomic++;
  }
  assert.equal(atomic, 14);
  assert.equal(pages.lastFailure, 'no_memory', 'CMA pages do not count for atomic callers');
  assert.equal(pages.alloc({ order: 0, maySleep: true, cma: false }), -1, 'plain alloc_pages never uses CMA');
  assert.equal(pages.alloc({ order: 0, zone: 'dma', maySleep: true }), -1, 'CMA in DMA32 does not serve a DMA request');
  const s = pages.alloc({ order: 10, maySleep: true });
  assert.ok(inCma(s));
  pages.free(s, 10);
  assert.deepEqual(pages.counters().cmaAllocations, orders({ 10: 1 }));
  assert.equal(pages.pagesFree('cma'), 2048);
});

test('PageAllocator: sleepers try CMA first, then the zones', () => {
  const pages = allocator({ ramBytes: 64 * MiB }, { cma: { size: 4 * MiB, base: 16 * MiB } });
  assert.equal(pages.alloc({ order: 10, maySleep: true }), 16 * MiB);
  assert.equal(pages.alloc({ order: 10, maySleep: true }), 20 * MiB, 'CMA full: the zones serve the sleeper');
  assert.equal(pages.alloc({ order: 0, maySleep: false }), 24 * MiB);
});

test('PageAllocator: a CMA region that cannot be placed is rejected with InputError bad_cma', () => {
  const map = { ramBytes: 64 * MiB };
  const bad = (cma: PageAllocatorOptions['cma'], msg: RegExp): void => {
    assert.throws(
      () => allocator(map, cma === undefined ? {} : { cma }),
      (e: unknown) => e instanceof InputError && e.code === 'bad_cma' && msg.test(e.message),
    );
  };
  bad({ size: 3 * MiB }, /positive multiple of 4 MiB/);
  bad({ size: 8 * MiB, base: 12 * MiB }, /spans two zones/);
  bad({ size: 8 * MiB, base: 60 * MiB }, /not all RAM/);
  bad({ size: 128 * MiB }, /no free RAM range/);
});

test('PageAllocator: reserveTopDown takes the highest aligned range below the limit, like memblock', () => {
  const pages = allocator({ ramBytes: 2 * GiB });
  assert.equal(pages.reserveTopDown(64 * MiB, PAGE_SIZE, 4 * GiB), 2 * GiB - 64 * MiB);
  assert.equal(pages.reserveTopDown(64 * MiB, PAGE_SIZE, 4 * GiB), 2 * GiB - 128 * MiB, 'the next one goes right below');
  assert.equal(pages.reserveTopDown(64 * MiB, 256 * MiB, 4 * GiB), 0x70000000, 'start aligned down');
  assert.equal(pages.reserveTopDown(MiB, PAGE_SIZE, 16 * MiB), 15 * MiB, 'the limit bounds the end');
  assert.equal(pages.reserveTopDown(4 * GiB, PAGE_SIZE, 4 * GiB), -1);
  assert.equal(pages.counters().pagesReserved, (192 + 1) * 256);
  assert.equal(pages.counters().reservations, 4);
});

test('PageAllocator: reserveTopDown skips the PCI hole and used pages and joins free blocks of any order', () => {
  const holey = allocator({ ramBytes: 8 * GiB, holes: [{ start: 3 * GiB, size: GiB }] });
  assert.equal(holey.reserveTopDown(64 * MiB, PAGE_SIZE, 4 * GiB), 3 * GiB - 64 * MiB);
  const pages = allocator({ ramBytes: 64 * MiB });
  assert.equal(pages.reserve(60 * MiB + 4096, 4 * MiB - 4096), true);
  assert.equal(pages.reserve(60 * MiB + 4096, 4096), false, 'already reserved');
  assert.equal(pages.reserveTopDown(8192, PAGE_SIZE, 64 * MiB), 60 * MiB - 4096, 'spans an order-0 block and the split block below');
  assert.equal(pages.reserveTopDown(1, 1, 64 * MiB), 60 * MiB - 8192, 'sizes round up to pages; small alignments mean a page');
  assert.throws(() => pages.reserveTopDown(0, PAGE_SIZE, GiB), RangeError);
  assert.throws(() => pages.reserveTopDown(4096, 3000, GiB), RangeError);
});

test('PageAllocator: freeReserved returns pages to the buddy allocator and they coalesce', () => {
  const pages = allocator({ ramBytes: 64 * MiB });
  const initial = pages.buddyInfo('dma32');
  const a = pages.reserveTopDown(6 * MiB, PAGE_SIZE, 64 * MiB);
  const b = pages.reserveTopDown(3 * MiB + 4096, PAGE_SIZE, 64 * MiB);
  assert.deepEqual(pages.reservedRanges(), [[b, 64 * MiB]], 'adjacent reservations merge');
  pages.freeReserved(a, 4096);
  pages.freeReserved(b, 3 * MiB + 4096);
  pages.freeReserved(a + 4096, 6 * MiB - 4096);
  assert.deepEqual(pages.buddyInfo('dma32'), initial);
  assert.deepEqual(pages.reservedRanges(), []);
  assert.throws(() => pages.freeReserved(a, 4096), (e: unknown) => e instanceof ContractError && e.code === 'not_reserved');
});

test('PageAllocator: free refuses what was not allocated, at the wrong order, or twice', () => {
  const pages = allocator({ ramBytes: 64 * MiB });
  const a = pages.alloc({ order: 2, maySleep: false });
  const isBadFree = (e: unknown): boolean => e instanceof ContractError && e.code === 'bad_free' && /0x1000000/.test(e.message);
  assert.throws(() => pages.free(a, 1), isBadFree);
  assert.throws(() => pages.free(a + 4096, 2), ContractError);
  assert.throws(() => pages.free(-4096, 0), ContractError);
  assert.throws(() => pages.free(a, 11), ContractError);
  pages.free(a, 2);
  assert.throws(() => pages.free(a, 2), isBadFree);
  assert.throws(() => pages.alloc({ order: 11, maySleep: false }), RangeError);
  assert.throws(() => pages.alloc({ order: 0, zone: 'high' as 'dma', maySleep: false }), RangeError);
});
