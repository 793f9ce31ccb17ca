import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../machine/device.js';
import { getProfile } from './profiles.js';
import { createRestrictedPool, swiotlbAlloc, swiotlbFree } from './alloc.js';
import { swiotlbTblMapSingle } from './map-single.js';
import { readDebugfs } from './debugfs.js';
import { listAt } from './pool.js';
import { DMA_TO_DEVICE } from './constants.js';

const BASE = 0x20000000;
const dev = createDevice({ name: 'rdev' });

function scenario(profile: string): { page: number; slot: number } {
  const mem = createRestrictedPool(getProfile(profile), BASE, 256 * 2048);
  assert.equal(mem.pools[0]!.nareas, 1);
  assert.equal(mem.forceBounce, true);
  assert.equal(swiotlbAlloc(mem, dev, 4096), BASE);
  assert.equal(swiotlbTblMapSingle(mem, dev, 0, 0x1000, 100, 100, 0, DMA_TO_DEVICE, 0), BASE + 2 * 2048);
  const page = swiotlbAlloc(mem, dev, 4096);
  const slot = mem.pools[0]!.head.indexOf(1, 3);
  return { page, slot };
}

test('swiotlbAlloc page-aligns allocations except in 6.6.0-6.6.23 (the double-allocation bug)', () => {
  for (const p of ['6.1', '6.6.24', '6.9', '6.12']) {
    const { page, slot } = scenario(p);
    assert.equal(slot, 4, p);
    assert.equal(page, BASE + 4 * 2048, p);
  }
  const bug = scenario('6.6.0');
  assert.equal(bug.slot, 3, 'V66a starts at the unaligned index with no address test');
  assert.equal(bug.page, BASE + 2 * 2048, 'the returned page overlaps the streaming mapping in slot 2');
});

test('swiotlbFree releases pool memory and declines foreign addresses', () => {
  const mem = createRestrictedPool(getProfile('6.12'), BASE, 64 * 2048);
  const a = swiotlbAlloc(mem, dev, 8192);
  assert.equal(readDebugfs(mem).io_tlb_used, 4);
  assert.equal(swiotlbFree(mem, dev, 0x1000), false);
  assert.equal(swiotlbFree(mem, dev, a), true);
  assert.equal(readDebugfs(mem).io_tlb_used, 0);
  assert.equal(readDebugfs(mem).io_tlb_used_hiwater, 4);
});

test('createRestrictedPool keeps a size that is not a multiple of 128 slots and never advertises slots past the end (6.6.3+)', () => {
  const mem = createRestrictedPool(getProfile('6.12'), BASE, 200 * 2048);
  assert.equal(mem.nslabs, 200);
  assert.equal(listAt(mem.pools[0]!, 128), 72);
  assert.equal(swiotlbAlloc(mem, dev, 128 * 2048), BASE);
  assert.equal(swiotlbAlloc(mem, dev, 100 * 2048), -1, 'no 100-slot run exists in a 72-slot tail');
  const m61 = createRestrictedPool(getProfile('6.1'), BASE, 200 * 2048);
  assert.equal(listAt(m61.pools[0]!, 128), 128, '6.1 advertises a full segment past the pool end');
  const first = swiotlbAlloc(m61, dev, 60 * 2048);
  assert.equal(swiotlbAlloc(m61, dev, 30 * 2048), BASE + 60 * 2048);
  assert.equal(swiotlbFree(m61, dev, first), true);
  assert.equal(swiotlbAlloc(m61, dev, 100 * 2048), BASE + 128 * 2048, 'the 6.1 kernel hands out slots past the end');
  assert.equal(m61.counters.poolOverruns, 1);
  assert.match(m61.log.join('\n'), /past the end of the pool/);
});

test('readDebugfs shows the files each version has', () => {
  assert.deepEqual(Object.keys(readDebugfs(createRestrictedPool(getProfile('6.1'), BASE, 4096 * 16))), ['io_tlb_nslabs', 'io_tlb_used']);
  assert.deepEqual(Object.keys(readDebugfs(createRestrictedPool(getProfile('6.12'), BASE, 4096 * 16))), [
    'io_tlb_nslabs',
    'io_tlb_used',
    'io_tlb_used_hiwater',
    'io_tlb_transient_nslabs',
  ]);
});
