import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../../machine/device.js';
import { PerDevicePoolsLookup } from './per-device-pools.js';
import { RangeLookup, rangeLookupOf } from './range.js';

test('PerDevicePoolsLookup: a device that never bounced is answered by dma_uses_io_tlb alone', () => {
  const l = new PerDevicePoolsLookup<string>();
  l.insert(null, 0x1000_0000, 0x1400_0000, 'boot');
  const quiet = createDevice({ name: 'quiet' });
  assert.equal(l.find(quiet, 0x1000_0000), null, 'not swiotlb until the device used it');
  assert.equal(l.counters.nodesVisited, 0);
  assert.equal(l.counters.skipped, 1);
  l.markUsed(quiet);
  assert.equal(l.usesIoTlb(quiet), true);
  assert.equal(l.find(quiet, 0x1000_0000), 'boot');
  assert.equal(l.counters.nodesVisited, 1);
});

test('PerDevicePoolsLookup: finds walk the allocator pools (newest first) then the device transient pools, lock-free', () => {
  const l = new PerDevicePoolsLookup<string>();
  const dev = createDevice({ name: 'd' });
  l.insert(null, 0x1000_0000, 0x1400_0000, 'boot');
  l.insert(null, 0x2000_0000, 0x2040_0000, 'grown');
  l.insert(dev, 0x3000_0000, 0x3001_0000, 'transient');
  const locks = l.counters.lockAcquisitions;
  assert.equal(l.find(dev, 0x3000_8000), 'transient');
  assert.equal(l.counters.nodesVisited, 3);
  assert.equal(l.find(dev, 0x2000_0000), 'grown');
  assert.equal(l.counters.nodesVisited, 4, 'nothing moved: the grown pool is still first');
  assert.equal(l.counters.lockAcquisitions, locks, 'RCU readers take no lock');
  assert.equal(l.remove(dev, 0x3000_0000), 'transient');
  assert.equal(l.counters.lockAcquisitions, locks + 1);
  assert.equal(l.find(dev, 0x3000_0000), null);
});

test('RangeLookup: one comparison per pool, no lock, for every device', () => {
  const r = rangeLookupOf(0x1000_0000, 0x1400_0000, 'boot');
  const dev = createDevice({ name: 'any' });
  assert.equal(r.find(dev, 0x13ff_ffff), 'boot');
  assert.equal(r.find(dev, 0x1400_0000), null);
  assert.equal(r.counters.nodesVisited, 2);
  assert.equal(r.counters.lockAcquisitions, 0);
  assert.throws(() => rangeLookupOf(5, 5, 'x'), { code: 'lookup_bad_range' });
  const two = new RangeLookup<number>();
  two.insert(null, 0, 10, 1);
  two.insert(null, 20, 30, 2);
  assert.equal(two.remove(dev, 5), 1);
  assert.equal(two.find(dev, 25), 2);
  assert.equal(two.size, 1);
});
