import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../machine/device.js';
import { getProfile } from './profiles.js';
import { createIoTlbMem, type IoTlbMem } from './io-tlb-mem.js';
import { swiotlbTblMapSingle, swiotlbTblUnmapSingle, swiotlbReleaseSlots } from './map-single.js';
import { DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC } from './constants.js';
import { swiotlbMaxMappingSize } from './limits.js';
import { listAt, listRange } from './pool.js';

const START = 0x10000000;
const plain = createDevice({ name: 'plain' });
const nvme = createDevice({ name: 'nvme', minAlignMask: 0xfff });

function mem(profile: string, nslabs = 256, nareas = 1, start = START, searchImpl: 'fast' | 'scan' = 'fast'): IoTlbMem {
  return createIoTlbMem({ profile: getProfile(profile), start, nslabs, nareas, searchImpl });
}
function map(m: IoTlbMem, dev = plain, orig: number, size: number, aa = 0, alloc = size, cpu = 0): number {
  return swiotlbTblMapSingle(m, dev, cpu, orig, size, alloc, aa, DMA_TO_DEVICE, 0);
}
const list = (m: IoTlbMem, from: number, to: number) => listRange(m.pools[0]!, from, to);

for (const impl of ['fast', 'scan'] as const) {
  test(`swiotlbTblMapSingle (${impl}) example A: two plain maps and their release, per family`, () => {
    for (const [profile, slot2, tlb2] of [
      ['6.1.0', 2, 0x10001000],
      ['6.1', 2, 0x10001000],
      ['6.6.0', 2, 0x10001000],
      ['6.6.24', 1, 0x10000800],
      ['6.9', 2, 0x10001000],
      ['6.12', 2, 0x10001000],
    ] as const) {
      const m = mem(profile, 256, 1, START, impl);
      assert.equal(map(m, plain, 0x50000010, 100), START, profile);
      assert.deepEqual(list(m, 0, 5), [0, 127, 126, 125, 124]);
      assert.equal(m.pools[0]!.areaIndex[0], 1);
      assert.equal(map(m, plain, 0x60000000, 5000), tlb2, profile);
      const p = m.pools[0]!;
      if (slot2 === 2) {
        assert.deepEqual(list(m, 0, 6), [0, 1, 0, 0, 0, 123], profile);
        assert.equal(p.areaIndex[0], 5);
        assert.deepEqual([...p.allocSize.subarray(2, 5)], [5000, 2952, 904]);
        swiotlbTblUnmapSingle(m, plain, tlb2, 5000, DMA_TO_DEVICE, 0);
        assert.deepEqual(list(m, 0, 6), [0, 127, 126, 125, 124, 123]);
        assert.equal(p.areaUsed[0], 1);
        assert.equal(p.areaIndex[0], 5, 'release never moves the index');
      } else {
        assert.deepEqual(list(m, 0, 5), [0, 0, 0, 0, 124], profile);
        assert.equal(p.areaIndex[0], 4);
        swiotlbTblUnmapSingle(m, plain, tlb2, 5000, DMA_TO_DEVICE, 0);
      }
      swiotlbTblUnmapSingle(m, plain, START, 100, DMA_TO_DEVICE, 0);
      assert.equal(listAt(p, 0), 128);
      assert.equal(p.areaUsed[0], 0);
    }
  });

  test(`swiotlbTblMapSingle (${impl}) example B: a page from an odd half-page`, () => {
    for (const [profile, slot] of [['6.1', 6], ['6.6.0', 5], ['6.6.24', 4], ['6.9', 6], ['6.12', 6]] as const) {
      const m = mem(profile, 256, 1, START, impl);
      map(m, plain, 0x50000010, 100);
      map(m, plain, 0x60000000, 5000);
      assert.equal(map(m, plain, 0x44444800, 4096), START + slot * 2048, profile);
    }
  });

  test(`swiotlbTblMapSingle (${impl}) example C: NVMe min_align_mask keeps the low 12 bits`, () => {
    for (const profile of ['6.1.0', '6.1', '6.6.0', '6.6.24', '6.9', '6.12']) {
      const m = mem(profile, 256, 1, START, impl);
      assert.equal(map(m, nvme, 0x77777a00, 512), 0x10000a00, profile);
      const p = m.pools[0]!;
      assert.equal(listAt(p, 0), 1);
      assert.equal(p.areaIndex[0], 2);
      assert.equal(p.allocSize[1], 512);
      assert.equal(p.origAddr[1], 0x77777a00);
    }
  });

  test(`swiotlbTblMapSingle (${impl}) example D: IOMMU granule alignment per family, padding slots`, () => {
    const cases = [
      ['6.1.0', 0x10000a00],
      ['6.1', 0x10000200],
      ['6.6.24', 0x10000200],
      ['6.9', 0x10000a00],
      ['6.12', 0x10000a00],
    ] as const;
    for (const [profile, tlb] of cases) {
      const m = mem(profile, 256, 1, START, impl);
      assert.equal(map(m, nvme, 0x77777a00, 512, 0xfff, 4096), tlb, profile);
      const p = m.pools[0]!;
      if (profile === '6.9') {
        assert.equal(p.padSlots[1], 1);
        assert.deepEqual([...p.allocSize.subarray(0, 4)], [0x1800, 0x1000, 0x800, 0]);
        assert.equal(p.areaUsed[0], 4);
      }
      if (profile === '6.12') {
        assert.deepEqual([...p.allocSize.subarray(0, 2)], [0xe00, 0x600]);
        assert.equal(p.areaUsed[0], 2);
        assert.equal(swiotlbReleaseSlots(m, nvme, tlb), 2);
      }
    }
  });

  test(`swiotlbTblMapSingle (${impl}) example E: segment boundary window`, () => {
    const dev = createDevice({ name: 'bnd', segmentBoundaryMask: 0xffff });
    const m = mem('6.9', 256, 1, 0x10003000, impl);
    for (let i = 0; i < 20; i++) map(m, dev, 0x1000 + i * 0x100, 16);
    assert.equal(m.pools[0]!.areaIndex[0], 20);
    assert.equal(map(m, dev, 0x80000000, 16384), 0x10003000 + 26 * 2048);
  });

  test(`swiotlbTblMapSingle (${impl}) example F: the CPU picks the first area`, () => {
    const m = mem('6.1', 32768, 4, START, impl);
    assert.equal(map(m, plain, 0x1000, 4096, 0, 4096, 6), START + 16384 * 2048);
    assert.equal(map(m, plain, 0x1000, 4096, 0, 4096, 3), START + 24576 * 2048);
  });

  test(`swiotlbTblMapSingle (${impl}) example G: the 6.1 livelock is detected, 6.6+ says not found`, () => {
    for (const profile of ['6.1', '6.6.0']) {
      const m = mem(profile, 256, 1, START, impl);
      for (let i = 0; i < 256; i++) map(m, plain, 0x100000 + i * 2048, 2048);
      swiotlbReleaseSlots(m, plain, START + 2 * 2048);
      assert.equal(map(m, plain, 0x900000, 2048), START + 2 * 2048);
      for (const s of [2, 9, 40]) swiotlbReleaseSlots(m, plain, START + s * 2048);
      assert.equal(map(m, nvme, 0x7777800, 3000), -1);
      assert.equal(m.lastFailure?.code, profile === '6.1' ? 'livelock' : 'fragmented', profile);
    }
  });
}

test('swiotlbTblMapSingle reports buffer full with the kernel text and fails > 256 KiB as too_large', () => {
  const m = mem('6.1', 8192, 2);
  assert.equal(map(m, plain, 0x1000, 262145), -1);
  assert.equal(m.lastFailure?.code, 'too_large');
  assert.equal(m.log[0], 'plain: swiotlb buffer is full (sz: 262145 bytes), total 8192 (slots), used 0 (slots)');
  const m12 = mem('6.12', 8192, 2);
  assert.equal(map(m12, nvme, 0x1a00, 262144), -1);
  assert.match(m12.log[0]!, /sz: 262656 bytes/);
});

test('swiotlbTblUnmapSingle refuses an address that was never mapped and a double unmap', () => {
  const m = mem('6.1');
  assert.throws(() => swiotlbTblUnmapSingle(m, plain, START + 4096, 10, DMA_TO_DEVICE, 0), /not the start of a live mapping/);
  assert.throws(() => swiotlbTblUnmapSingle(m, plain, 0x1000, 10, DMA_TO_DEVICE, 0), /not a swiotlb bounce address/);
  const tlb = map(m, plain, 0x5000, 10);
  swiotlbTblUnmapSingle(m, plain, tlb, 10, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
  assert.throws(() => swiotlbTblUnmapSingle(m, plain, tlb, 10, DMA_TO_DEVICE, 0), /already unmapped/);
  assert.equal(listAt(m.pools[0]!, 0), 128);
});

test('swiotlbMaxMappingSize subtracts the min_align_mask rounded up to a slot', () => {
  assert.equal(swiotlbMaxMappingSize(plain), 262144);
  assert.equal(swiotlbMaxMappingSize(nvme), 258048);
  assert.equal(swiotlbMaxMappingSize(createDevice({ name: 'x', minAlignMask: 0x7ff })), 260096);
  assert.equal(swiotlbMaxMappingSize(createDevice({ name: 'y', minAlignMask: 3 })), 260096);
});

test('swiotlbTblMapSingle refuses a zero-slot map and bad numbers instead of corrupting state', () => {
  const m = mem('6.1');
  assert.throws(() => map(m, plain, 0x5000, 0), /Cannot map 0 bytes/);
  assert.throws(() => map(m, plain, -5, 10), /not a non-negative integer/);
  assert.throws(() => map(m, plain, 0x5000, 1.5), /not a non-negative integer/);
  assert.throws(() => swiotlbTblMapSingle(m, plain, -1, 0x5000, 10, 10, 0, DMA_TO_DEVICE, 0), /cpu -1/);
  // A 0-byte map whose offset needs a slot is what the kernel does: one slot.
  assert.ok(map(m, nvme, 0x5200, 0) > 0);
  assert.equal(m.pools[0]!.areaUsed[0], 1);
});
