/**
 * The quiet predicate 6.11+ dma-direct relies on: every registered design
 * that offers holdsBounceBuffer() must answer as is_swiotlb_buffer() does,
 * without counting work, or the lookup counts and the unmaps go wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyEntries } from '../src/lab/policy-registry.js';
import { METER_FIELDS, readMeter } from '../src/lab/cost/pricer.js';
import { createDmaContext } from '../src/dma/dma-context.js';
import { dmaDirectMapPage, dmaDirectUnmapPage } from '../src/dma/dma-direct.js';
import { DMA_TO_DEVICE } from '../src/swiotlb/constants.js';
import { makeEnv } from '../src/swiotlb/dynamic/dyn-fixture.case.js';

test('holdsBounceBuffer gives is_swiotlb_buffer\'s answer without counting a lookup, for every design that has it', () => {
  const checked: string[] = [];
  for (const entry of policyEntries()) {
    const { machine, env } = makeEnv({ kernel: '6.12', poolBytes: 1 << 20 });
    const p = entry.factory(env, {});
    if (p.holdsBounceBuffer === undefined) continue;
    checked.push(entry.name);
    const ctx = createDmaContext(p, true);
    const dev = machine.addDevice({ name: 'nvme' });
    const idle = machine.addDevice({ name: 'idle' });
    const live = [0x1000_0000, 0x1001_0000, 0x1002_0000].map((a) => dmaDirectMapPage(ctx, dev, 0, a, 4096, DMA_TO_DEVICE, 0));
    const freed = dmaDirectMapPage(ctx, dev, 0, 0x1003_0000, 4096, DMA_TO_DEVICE, 0);
    dmaDirectUnmapPage(ctx, dev, freed, 4096, DMA_TO_DEVICE, 0);
    const probes = [...live, ...live.map((a) => a + 100), freed, 0x1000_0000, 0, live[0]! + 2 ** 30];
    for (const d of [dev, idle]) {
      for (const a of probes) {
        const before = new Float64Array(METER_FIELDS.length);
        const after = new Float64Array(METER_FIELDS.length);
        readMeter(p.meter!, before);
        const held = p.holdsBounceBuffer(d, a);
        readMeter(p.meter!, after);
        assert.deepEqual([...after], [...before], `${entry.name}: holdsBounceBuffer counts nothing`);
        assert.equal(held, p.isBounceBuffer(d, a), `${entry.name}: ${d.name} 0x${a.toString(16)}`);
      }
    }
  }
  assert.deepEqual(checked, ['fixed', 'transient', 'growing', 'highmem', 'throttle', 'defer']);
});
