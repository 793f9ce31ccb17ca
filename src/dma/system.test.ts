import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSystem } from './system.js';
import { dmaDirectMapPage, dmaDirectUnmapPage, DMA_MAPPING_ERROR } from './dma-direct.js';
import { DMA_TO_DEVICE, DMA_FROM_DEVICE } from '../swiotlb/constants.js';
import { dmaBitMask } from '../machine/mask.js';

test('createSystem boots swiotlb=force with the default 64 MiB pool in low memory, areas from the CPU count', () => {
  const s = createSystem({ kernel: '6.1', cmdline: 'quiet swiotlb=force', cpus: 6, ramBytes: 2 * 1024 ** 3 });
  assert.equal(s.mem?.nslabs, 32768);
  assert.equal(s.mem?.pools[0]?.nareas, 8);
  assert.equal(s.mem?.forceBounce, true);
  const p = s.mem!.pools[0]!;
  assert.ok(p.end <= 2 * 1024 ** 3, 'placed top-down below the end of RAM');
  assert.ok(s.boot.logLines.includes('software IO TLB: area num 8.'));
});

test('createSystem with no addressing limit and no force sets up no swiotlb; a 32-bit device above 4 GiB then fails', () => {
  const s = createSystem({ kernel: '6.12', cpus: 2, ramBytes: 2 * 1024 ** 3, devices: [{ name: 'old', dmaMask: dmaBitMask(24) }] });
  assert.equal(s.mem, null);
  const dev = s.device('old');
  assert.equal(dmaDirectMapPage(s.dma, dev, 0, 0x2000000, 4096, DMA_TO_DEVICE, 0), DMA_MAPPING_ERROR);
  assert.equal(s.dma.lastFailure?.code, 'mask_unreachable');
});

test('createSystem bounces only what a device cannot reach when swiotlb is not forced', () => {
  const s = createSystem({ kernel: '6.12', cpus: 2, ramBytes: 8 * 1024 ** 3, devices: [{ name: 'd32', dmaMask: dmaBitMask(32) }] });
  assert.ok(s.mem !== null, 'RAM above 4 GiB asks for a pool');
  const dev = s.device('d32');
  assert.equal(dmaDirectMapPage(s.dma, dev, 0, 0x10000000, 4096, DMA_TO_DEVICE, 0), 0x10000000, 'reachable: direct');
  const high = dmaDirectMapPage(s.dma, dev, 0, 0x1_2000_0000, 4096, DMA_FROM_DEVICE, 0);
  assert.ok(high >= s.mem!.pools[0]!.start && high < s.mem!.pools[0]!.end, 'unreachable: bounced');
  dmaDirectUnmapPage(s.dma, dev, high, 4096, DMA_FROM_DEVICE, 0);
  assert.equal(s.dma.counters.bouncedMaps, 1);
  assert.equal(s.dma.counters.directMaps, 1);
});

test('createSystem in a confidential VM sizes the pool at 6 % of RAM and shares it once', () => {
  const s = createSystem({ kernel: '6.12', cpus: 4, ramBytes: 8 * 1024 ** 3, confidential: true });
  assert.equal(s.mem?.nslabs, 262144);
  assert.equal(s.mem?.forceBounce, true);
  const enc = s.machine.counters().encryption;
  assert.equal(enc.setSharedCalls, 1);
  assert.equal(enc.sharedPages, 131072);
});

test('createSystem with swiotlb=noforce has no pool even when forced elsewhere', () => {
  const s = createSystem({ kernel: '6.1', cmdline: 'swiotlb=force swiotlb=noforce', cpus: 2 });
  assert.equal(s.mem, null);
  assert.equal(s.boot.outcome, 'force_disabled');
});

test('createSystem on arm64 with 6.6+ bounces small unaligned buffers of non-coherent devices (dma_kmalloc_needs_bounce), not on 6.1', () => {
  for (const [kernel, expectBounce] of [['6.12', true], ['6.1', false]] as const) {
    const s = createSystem({ kernel, arch: 'arm64', cpus: 2, ramBytes: 8 * 1024 ** 3, devices: [{ name: 'mmc', coherent: false }, { name: 'coh' }] });
    assert.ok(s.mem !== null, 'arm64 with RAM beyond the DMA zone has a pool');
    const mmc = s.device('mmc');
    const before = s.dma.counters.bouncedMaps;
    dmaDirectMapPage(s.dma, mmc, 0, 0x1000040, 90, DMA_FROM_DEVICE, 0); // kmalloc-96: not a multiple of 64
    assert.equal(s.dma.counters.bouncedMaps - before, expectBounce ? 1 : 0, kernel);
    dmaDirectMapPage(s.dma, mmc, 0, 0x1000100, 100, DMA_FROM_DEVICE, 0); // kmalloc-128: aligned
    dmaDirectMapPage(s.dma, mmc, 0, 0x1000200, 90, DMA_TO_DEVICE, 0); // to the device: safe
    dmaDirectMapPage(s.dma, s.device('coh'), 0, 0x1000300, 90, DMA_FROM_DEVICE, 0); // coherent: safe
    assert.equal(s.dma.counters.bouncedMaps - before, expectBounce ? 1 : 0, kernel);
  }
});
