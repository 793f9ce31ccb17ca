import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../machine/machine.js';
import { swiotlbAllocTlb, swiotlbFreeTlb, tlbZone, type PoolMemoryEnv } from './pool-memory.js';
import { getOrder } from '../../machine/gfp.js';
import { swiotlbAllocPool, swiotlbDynFree, DYN_POOL_MAX_SLABS } from './alloc-pool.js';
import { newDynCounters, ReservedBytes } from './dyn-counters.js';
import { DmaAtomicPools, defaultAtomicPoolSize } from './atomic-pool.js';

const GiB = 1024 ** 3;

function env(confidential = false, ramBytes = 2 * GiB): PoolMemoryEnv {
  const machine = createMachine({ ramBytes, memory: 'accounting', confidential });
  return { machine, confidential, counters: newDynCounters(), reserved: new ReservedBytes(0), atomic: confidential ? new DmaAtomicPools(machine) : null };
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

test('swiotlbAllocTlb / swiotlbFreeTlb: in a confidential VM a caller that may sleep shares PFN_UP(bytes) pages, then makes them private', () => {
  const e = env(true);
  const enc0 = e.machine.encryption.counters();
  const b = swiotlbAllocTlb(e, 6144, 2 ** 32 - 1, true)!;
  assert.equal(e.machine.encryption.isShared(b.addr, 6144), true);
  assert.equal(b.atomic, false);
  swiotlbFreeTlb(e, b);
  const enc = e.machine.encryption.counters();
  assert.deepEqual([enc.setSharedCalls - enc0.setSharedCalls, enc.setPrivateCalls, enc.pagesSharedTotal - enc0.pagesSharedTotal, enc.sharedPages - enc0.sharedPages], [1, 1, 2, 0]);
});

test('defaultAtomicPoolSize: 128 KiB per GiB of RAM, at least 128 KiB, at most one MAX_PAGE_ORDER block', () => {
  assert.deepEqual([GiB / 2, 2 * GiB, 8 * GiB, 64 * GiB].map(defaultAtomicPoolSize), [128 << 10, 256 << 10, 1 << 20, 4 << 20]);
});

test('swiotlbAllocTlb: in a confidential VM a caller that cannot sleep takes already-shared memory from the atomic pools, and gives it back there', () => {
  const e = env(true, 8 * GiB);
  const a = e.atomic!;
  assert.deepEqual(a.sizes(), { dma: 1 << 20, dma32: 1 << 20, kernel: 1 << 20 }, 'three pools filled at boot');
  const enc0 = e.machine.encryption.counters();
  const b = swiotlbAllocTlb(e, 6144, 2 ** 64 - 1, false, 100)!;
  assert.equal(b.atomic, true);
  assert.ok(b.addr >= 2 ** 32, 'the normal pool first');
  assert.equal(e.machine.encryption.isShared(b.addr, 6144), true);
  // A device that reaches 4 GiB only: the normal pool's block is too high, the DMA32 pool serves it.
  const low = swiotlbAllocTlb(e, 4096, 2 ** 32 - 1, false, 100)!;
  assert.ok(low.addr < 2 ** 32 && low.addr >= 16 << 20);
  swiotlbFreeTlb(e, b);
  swiotlbFreeTlb(e, low);
  const enc = e.machine.encryption.counters();
  assert.deepEqual([enc.hypercalls - enc0.hypercalls, e.counters.atomicPoolAllocs, e.counters.pageAllocs, e.counters.pageFrees], [0, 2, 0, 0], 'no hypercall, no page traffic');
});

test('the atomic pools: order-aligned first fit, exhaustion fails, the refill work doubles each pool below its boot size with one hypercall', () => {
  const e = env(true, 2 * GiB); // 256 KiB pools (64 pages); no RAM above 4 GiB, so no normal pool
  const a = e.atomic!;
  assert.deepEqual(a.sizes(), { dma: 256 << 10, dma32: 256 << 10, kernel: 0 });
  const one = swiotlbAllocTlb(e, 2048, 2 ** 32 - 1, false, 0)!;
  const two = swiotlbAllocTlb(e, 8192, 2 ** 32 - 1, false, 0)!;
  assert.ok(one.addr >= 16 << 20, 'DMA32 before DMA');
  assert.equal(two.addr - one.addr, 8192, 'a 2-page block starts on a 2-page boundary, after the 1-page one');
  assert.equal(a.workDue, 1_000_000, 'less than the boot size free: the refill work is queued at once');
  // 50 pages must start on a 64-page boundary: DMA32's only one is taken, so the DMA pool serves it.
  const big = swiotlbAllocTlb(e, 200 << 10, 2 ** 32 - 1, false, 10)!;
  assert.ok(big.addr < 16 << 20);
  assert.equal(swiotlbAllocTlb(e, 200 << 10, 2 ** 32 - 1, false, 20), null, 'no pool has an aligned 64-page hole');
  assert.equal(e.counters.atomicPoolFailures, 1);
  const enc0 = e.machine.encryption.counters();
  assert.equal(a.runDue(1000), 1_000_000, 'not due yet');
  assert.equal(a.runDue(2_000_000), Infinity);
  assert.deepEqual(a.sizes(), { dma: 512 << 10, dma32: 512 << 10, kernel: 0 }, 'each pool grew by its size');
  assert.equal(e.machine.encryption.counters().hypercalls - enc0.hypercalls, 2, 'one hypercall per new block');
  const again = swiotlbAllocTlb(e, 200 << 10, 2 ** 32 - 1, false, 2_000_001)!;
  assert.ok(again.addr >= 16 << 20, 'the newest DMA32 block has room');
  assert.equal(e.counters.pageAllocs, 0, 'nothing from the page allocator for the buffers themselves');
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
