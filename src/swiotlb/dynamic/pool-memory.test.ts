import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../machine/machine.js';
import { getOrder, swiotlbAllocTlb, swiotlbFreeTlb, tlbZone, type PoolMemoryEnv } from './pool-memory.js';
import { swiotlbAllocPool, swiotlbDynFree, DYN_POOL_MAX_SLABS } from './alloc-pool.js';
import { newDynCounters, ReservedBytes } from './dyn-counters.js';

const GiB = 1024 ** 3;

function env(confidential = false, ramBytes = 2 * GiB): PoolMemoryEnv {
  return { machine: createMachine({ ramBytes, memory: 'accounting', confidential }), confidential, counters: newDynCounters(), reserved: new ReservedBytes(0) };
}

test('getOrder: the smallest buddy order holding the bytes', () => {
  assert.deepEqual([1, 2048, 4096, 4097, 6144, 307200, 4 << 20].map(getOrder), [0, 0, 0, 1, 1, 7, 10]);
});

test('tlbZone: ZONE_DMA inside its limit, DMA32 up to 4 GiB - 1, else no zone flag', () => {
  const m = createMachine({ ramBytes: 8 * GiB, memory: 'accounting' });
  assert.deepEqual([2 ** 24 - 1, 2 ** 24, 2 ** 32 - 1, 2 ** 32, 8 * GiB - 1].map((l) => tlbZone(m, l)), ['dma', 'dma32', 'dma32', 'normal', 'normal']);
});

test('swiotlbAllocTlb: a block ending above phys_limit is freed and the allocation retried in ZONE_DMA (6.6.3+)', () => {
  const e = env();
  // Occupy DMA32 up to 1 GiB + 16 MiB, so the lowest free DMA32 block lies above a 1 GiB limit.
  assert.ok(e.machine.pages.reserve(16 << 20, GiB));
  const b = swiotlbAllocTlb(e, 8192, GiB - 1, false)!;
  assert.ok(b.addr + 8192 - 1 < 16 << 20, 'landed in ZONE_DMA');
  const c = e.counters;
  assert.deepEqual([c.tooHighRetries, c.pageAllocs, c.pageFrees], [1, 2, 1]);
});

test('swiotlbAllocTlb: refuses orders above MAX_PAGE_ORDER, and nothing below the limit means failure', () => {
  const e = env();
  assert.equal(swiotlbAllocTlb(e, 8 << 20, 2 ** 32 - 1, false), null);
  assert.equal(e.counters.pageAllocFailures, 1);
  const full = env();
  while (full.machine.pages.alloc({ order: 0, zone: 'dma', maySleep: false }) >= 0);
  assert.equal(swiotlbAllocTlb(full, 4096, 2 ** 24 - 1, false), null);
});

test('swiotlbAllocTlb / swiotlbFreeTlb: in a confidential VM the PFN_UP(bytes) pages are shared, then made private', () => {
  const e = env(true);
  const b = swiotlbAllocTlb(e, 6144, 2 ** 32 - 1, false)!;
  assert.equal(e.machine.encryption.isShared(b.addr, 6144), true);
  swiotlbFreeTlb(e, b);
  const enc = e.machine.encryption.counters();
  assert.deepEqual([enc.setSharedCalls, enc.setPrivateCalls, enc.pagesSharedTotal, enc.sharedPages], [1, 1, 2, 0]);
});

test('swiotlbAllocPool: capped at one MAX_PAGE_ORDER block with limit_nareas, slot array from the page allocator, freed whole', () => {
  const e = env();
  const p = swiotlbAllocPool(e, { minslabs: 512, nslabs: 32768, nareas: 64, physLimit: 2 ** 32 - 1, maySleep: true, transient: false, id: 1, clampList: true, maxSlabs: Infinity, at: 5 })!;
  assert.deepEqual([p.pool.nslabs, p.pool.nareas, p.tlb.order, p.slotsOrder], [DYN_POOL_MAX_SLABS, 16, 10, 4]);
  assert.equal(p.pool.start % (4 << 20), 0, 'aligned to its order');
  assert.equal(e.reserved.current, 4 << 20);
  swiotlbDynFree(e, p, 10);
  assert.deepEqual([e.counters.pageAllocs, e.counters.pageFrees, e.reserved.current, e.reserved.integralTo(10)], [2, 2, 0, (4 << 20) * 5]);
});

test('swiotlbAllocPool: a transient request never shrinks (minslabs = nslabs)', () => {
  const e = env(false, 64 << 20);
  while (e.machine.pages.alloc({ order: 10, zone: 'dma32', maySleep: false }) >= 0);
  assert.equal(swiotlbAllocPool(e, { minslabs: 2048, nslabs: 2048, nareas: 1, physLimit: 2 ** 32 - 1, maySleep: false, transient: true, id: 1, clampList: true, maxSlabs: Infinity, at: 0 }), null);
  assert.equal(e.counters.pageAllocFailures, 1);
});
