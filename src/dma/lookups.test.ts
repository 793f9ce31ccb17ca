/**
 * Pool lookups counted per DMA-API call, per release, through dma-direct: the
 * counts the cost model prices as nodes visited must be the kernel's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSystem } from './system.js';
import { createDmaContext } from './dma-context.js';
import { dmaDirectMapPage, dmaDirectSyncSingleForCpu, dmaDirectUnmapPage } from './dma-direct.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../swiotlb/constants.js';
import { dmaBitMask } from '../machine/mask.js';
import { DynamicPolicy } from '../swiotlb/dynamic/dynamic-policy.js';
import { makeEnv } from '../swiotlb/dynamic/dyn-fixture.case.js';

test('fixed pool: an unmap looks the pool up twice, a sync once, a map never, on every release', () => {
  // <= 6.10: dma-direct's is_swiotlb_buffer() range check before each swiotlb call (the helpers use the device's pool);
  // 6.11+: the wrappers' swiotlb_find_pool(), one each, pool passed down.
  for (const kernel of ['6.1', '6.6.0', '6.9', '6.12']) {
    const s = createSystem({ kernel, cmdline: 'swiotlb=force', cpus: 2, ramBytes: 2 * 1024 ** 3, devices: [{ name: 'nvme' }] });
    const dev = s.device('nvme');
    const c = s.mem!.counters;
    const at = (): number => c.lookups;
    let l = at();
    const a = dmaDirectMapPage(s.dma, dev, 0, 0x1000_0000, 4096, DMA_FROM_DEVICE, 0);
    const b = dmaDirectMapPage(s.dma, dev, 0, 0x1001_0000, 4096, DMA_FROM_DEVICE, 0);
    assert.equal(at() - l, 0, `${kernel}: map`);
    l = at();
    dmaDirectSyncSingleForCpu(s.dma, dev, a, 4096, DMA_FROM_DEVICE);
    assert.equal(at() - l, 1, `${kernel}: sync for cpu`);
    l = at();
    dmaDirectUnmapPage(s.dma, dev, a, 4096, DMA_FROM_DEVICE, 0);
    assert.equal(at() - l, 2, `${kernel}: unmap with the copy back`);
    l = at();
    dmaDirectUnmapPage(s.dma, dev, b, 4096, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC);
    assert.equal(at() - l, 1, `${kernel}: unmap with SKIP_CPU_SYNC`);
  }
});

test('fixed pool: unmapping a buffer that was not bounced still pays the lookups, and frees nothing', () => {
  for (const kernel of ['6.1', '6.12']) {
    const s = createSystem({ kernel, cpus: 2, ramBytes: 8 * 1024 ** 3, devices: [{ name: 'd32', dmaMask: dmaBitMask(32) }] });
    const dev = s.device('d32');
    const direct = dmaDirectMapPage(s.dma, dev, 0, 0x1000_0000, 4096, DMA_TO_DEVICE, 0);
    assert.equal(direct, 0x1000_0000);
    const l = s.mem!.counters.lookups;
    dmaDirectUnmapPage(s.dma, dev, direct, 4096, DMA_TO_DEVICE, 0);
    assert.equal(s.mem!.counters.lookups - l, 2, `${kernel}: two lookups that find nothing`);
    assert.equal(s.mem!.counters.unmaps, 0, kernel);
  }
});

test('dynamic pools: a round trip walks the pools 6 times on 6.6 - 6.10 and twice on 6.11+ ("reduce swiotlb pool lookups")', () => {
  // 6.6 - 6.10: the map's bounce; then is_swiotlb_buffer, the sync's bounce, is_swiotlb_buffer, the transient
  // check and the release. 6.11+: the sync wrapper and the unmap wrapper, one each.
  for (const [kernel, map, unmap] of [['6.6.0', 1, 5], ['6.9', 1, 5], ['6.12', 0, 2]] as const) {
    const { machine, env } = makeEnv({ kernel });
    const p = new DynamicPolicy('growing', env, { grow: true });
    const ctx = createDmaContext(p, true);
    const dev = machine.addDevice({ name: 'nvme' });
    const walks = (): number => p.dynCounters().lookups;
    let l = walks();
    const a = dmaDirectMapPage(ctx, dev, 0, 0x1000_0000, 4096, DMA_FROM_DEVICE, 0);
    assert.equal(walks() - l, map, `${kernel}: map`);
    l = walks();
    dmaDirectUnmapPage(ctx, dev, a, 4096, DMA_FROM_DEVICE, 0);
    assert.equal(walks() - l, unmap, `${kernel}: unmap`);
  }
});
