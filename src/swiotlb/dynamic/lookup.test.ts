import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicPolicy } from './dynamic-policy.js';
import { makeEnv, req, at, SEG_BYTES } from './dyn-fixture.case.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../constants.js';

function setup(kernel: string) {
  const { machine, env } = makeEnv({ kernel });
  const p = new DynamicPolicy('growing', env, { grow: true });
  const dev = machine.addDevice({ name: 'dev' });
  const idle = machine.addDevice({ name: 'idle' });
  const cost = <T>(f: () => T): [T, number, number] => {
    const c0 = p.dynCounters();
    const r = f();
    const c1 = p.dynCounters();
    return [r, c1.lookups - c0.lookups, c1.nodesVisited - c0.nodesVisited];
  };
  return { p, dev, idle, cost };
}

test('lookup: a device that never bounced is "not swiotlb" at no walking cost (dma_uses_io_tlb)', () => {
  const { p, dev, idle, cost } = setup('6.12');
  const tlb = p.map(req(dev, 0x1000_0000, 4096), at(0));
  assert.deepEqual(cost(() => p.isBounceBuffer(idle, tlb)), [false, 1, 0]);
  assert.deepEqual(cost(() => p.isBounceBuffer(dev, tlb)), [true, 1, 1]);
});

test('lookup: 6.6 - 6.10 walk the pools up to three times per unmap, 6.11+ once', () => {
  for (const [kernel, withCopy, noCopy] of [['6.6.0', 3, 2], ['6.9', 3, 2], ['6.12', 1, 1]] as const) {
    const { p, dev, cost } = setup(kernel);
    const a = p.map(req(dev, 0x1000_0000, 4096), at(0));
    const b = p.map(req(dev, 0x1001_0000, 4096), at(0));
    assert.deepEqual(cost(() => p.unmap(dev, a, 4096, DMA_FROM_DEVICE, 0, at(0))).slice(1), [withCopy, withCopy], `${kernel} copy-back unmap`);
    assert.deepEqual(cost(() => p.unmap(dev, b, 4096, DMA_TO_DEVICE, 0, at(0))).slice(1), [noCopy, noCopy], `${kernel} unmap without copy`);
  }
});

test('lookup: a transient pool is found after every pool of the allocator; its unmap stops after the transient check', () => {
  for (const [kernel, lookups] of [['6.6.0', 2], ['6.12', 1]] as const) {
    const { p, dev, cost } = setup(kernel);
    for (let i = 0; i < 4; i++) p.map(req(dev, 0x1000_0000 + i * SEG_BYTES, SEG_BYTES), at(0));
    const t = p.map(req(dev, 0x2000_0000, 4096), at(0));
    assert.equal(p.stats(0).pools, 2);
    assert.deepEqual(cost(() => p.isBounceBuffer(dev, t)), [true, 1, 2], 'boot pool, then the transient pool');
    assert.deepEqual(cost(() => p.unmap(dev, t, 4096, DMA_FROM_DEVICE, 0, at(0))).slice(1), [lookups, 2 * lookups]);
  }
});

test('lookup: pools are walked newest first, so the boot pool costs one node per grown pool more', () => {
  const { p, dev, cost } = setup('6.12');
  const boot = p.map(req(dev, 0x1000_0000, 4096), at(0));
  for (let i = 0; i < 4; i++) p.map(req(dev, 0x1100_0000 + i * SEG_BYTES, SEG_BYTES), at(0));
  p.tick(1e6);
  assert.equal(p.mem.pools.length, 2);
  assert.deepEqual(cost(() => p.isBounceBuffer(dev, boot)), [true, 1, 2]);
  assert.equal(p.stats(0).pools, 3, 'the overflow that queued growth is in a transient pool');
  assert.deepEqual(cost(() => p.isBounceBuffer(dev, 0x0)), [false, 1, 3], 'a miss walks every pool, then the device\'s transient pools');
});

test('lookup: sync looks up once on every profile; 6.6 - 6.10 skip the walk for a no-op direction', () => {
  for (const [kernel, noop] of [['6.6.0', 0], ['6.12', 1]] as const) {
    const { p, dev, cost } = setup(kernel);
    const t = p.map(req(dev, 0x1000_0000, 4096), at(0));
    assert.equal(cost(() => p.syncForCpu(dev, t, 4096, DMA_FROM_DEVICE))[1], 1);
    assert.equal(cost(() => p.syncForCpu(dev, t, 4096, DMA_TO_DEVICE))[1], noop);
    assert.throws(() => p.syncForDevice(dev, t, 4096, 3), { code: 'bad_direction' });
  }
});
