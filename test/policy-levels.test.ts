/**
 * The lab samples a design's levels a thousand times per simulated second
 * through levels() when the design has it: the values must be stats()'s, in
 * every state (empty, in use, after a failure), or the occupancy and failure
 * series would disagree with the run's own totals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyEntries } from '../src/lab/policy-registry.js';
import { createDmaContext } from '../src/dma/dma-context.js';
import { dmaDirectMapPage, dmaDirectUnmapPage } from '../src/dma/dma-direct.js';
import { DMA_TO_DEVICE } from '../src/swiotlb/constants.js';
import type { PolicyLevels, SwiotlbPolicy } from '../src/swiotlb/policy.js';
import { makeEnv } from '../src/swiotlb/dynamic/dyn-fixture.case.js';

function agree(p: SwiotlbPolicy, name: string, when: string): void {
  const out: PolicyLevels = { inUseBytes: -1, reservedBytes: -1, mapFailures: -1 };
  p.levels!(out);
  const s = p.stats(0);
  assert.deepEqual(out, { inUseBytes: s.inUseBytes, reservedBytes: s.reservedBytes, mapFailures: s.mapFailures }, `${name} ${when}`);
}

test('levels() reports what stats() does, for every design that has it', () => {
  const checked: string[] = [];
  for (const entry of policyEntries()) {
    const { machine, env } = makeEnv({ kernel: '6.12', poolBytes: 1 << 20 });
    const p = entry.factory(env, {});
    if (p.levels === undefined) continue;
    checked.push(entry.name);
    const ctx = createDmaContext(p, true);
    const dev = machine.addDevice({ name: 'nvme' });
    agree(p, entry.name, 'empty');
    const live = [0x1000_0000, 0x1001_0000, 0x1002_0800].map((a) => dmaDirectMapPage(ctx, dev, 0, a, 6000, DMA_TO_DEVICE, 0));
    agree(p, entry.name, 'with three mappings');
    // Larger than a segment: fails as too large, and the failure shows in both.
    dmaDirectMapPage(ctx, dev, 0, 0x1010_0000, 1 << 19, DMA_TO_DEVICE, 0);
    agree(p, entry.name, 'after a failed map');
    for (const a of live) if (a >= 0) dmaDirectUnmapPage(ctx, dev, a, 6000, DMA_TO_DEVICE, 0);
    agree(p, entry.name, 'after the unmaps');
  }
  assert.deepEqual(checked, ['fixed', 'throttle']);
});
