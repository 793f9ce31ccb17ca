import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DmaDebug } from '../src/dma/dma-debug.js';
import { createDevice } from '../src/machine/device.js';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../src/swiotlb/constants.js';

const dev = createDevice({ name: 'eth0' });

test('dma-debug: unmap of an address never mapped, and a double unmap', () => {
  const d = new DmaDebug();
  assert.equal(d.unmap(dev, 0x1000, 64, DMA_TO_DEVICE, 'line 3'), false);
  d.map(dev, 0x2000, 64, DMA_TO_DEVICE, 0, 'line 4');
  assert.equal(d.unmap(dev, 0x2000, 64, DMA_TO_DEVICE, 'line 5'), true);
  assert.equal(d.unmap(dev, 0x2000, 64, DMA_TO_DEVICE, 'line 6'), false);
  assert.deepEqual(d.counts, { unmap_not_mapped: 1, double_unmap: 1 });
  assert.equal(d.findings[1]!.where, 'line 6');
});

test('dma-debug: unmap with another size or direction than the map', () => {
  const d = new DmaDebug();
  d.map(dev, 0x3000, 4096, DMA_FROM_DEVICE, 0, 'line 1');
  d.unmap(dev, 0x3000, 2048, DMA_TO_DEVICE, 'line 2');
  assert.deepEqual(d.counts, { unmap_size_mismatch: 1, unmap_dir_mismatch: 1 });
  assert.match(d.findings[0]!.message, /mapped with 4096 bytes at line 1/);
});

test('dma-debug: sync after unmap, sync outside any mapping, sync past the end, sync in the wrong direction', () => {
  const d = new DmaDebug();
  d.map(dev, 0x4000, 1000, DMA_FROM_DEVICE, 0, 'a');
  d.sync(dev, 0x4100, 100, DMA_FROM_DEVICE, 'b'); // inside: fine
  d.sync(dev, 0x4100, 1000, DMA_FROM_DEVICE, 'c'); // past the end
  d.sync(dev, 0x4000, 10, DMA_TO_DEVICE, 'd'); // wrong direction
  d.unmap(dev, 0x4000, 1000, DMA_FROM_DEVICE, 'e');
  d.sync(dev, 0x4000, 10, DMA_FROM_DEVICE, 'f'); // after unmap
  d.sync(dev, 0x9000, 10, DMA_FROM_DEVICE, 'g'); // never mapped
  d.map(dev, 0x5000, 100, DMA_BIDIRECTIONAL, 0, 'h');
  d.sync(dev, 0x5000, 100, DMA_TO_DEVICE, 'i'); // bidirectional allows either
  assert.deepEqual(d.counts, { sync_overflow: 1, sync_dir_mismatch: 1, sync_after_unmap: 1, sync_not_mapped: 1 });
});

test('dma-debug: a device access past its mapping is reported', () => {
  const d = new DmaDebug();
  d.overflow(dev, 0x6000, 'Buffer overflow detected. Allocation size: 2048. Mapping size: 4096.', 'line 9');
  assert.equal(d.counts.device_overflow, 1);
});

test('leak diagnosis: the leaking Wi-Fi driver is diagnosed as a leak, not as a pool that is too small', () => {
  const r = runConfig(
    effectiveConfig({
      durationMs: 5000,
      cmdline: 'swiotlb=512,force',
      check: true,
      machine: { confidential: false },
      workload: { name: 'leak', knobs: { perSec: 200, leakFraction: 0.5 } },
    }),
  );
  assert.ok(r.policy.mapFailures > 0, 'the leak fills the pool');
  const diag = r.dmaDebug!.diagnosis;
  assert.equal(diag.leaks[0]!.device, 'wlan0');
  assert.ok(diag.verdict.some((v) => /come from leaked mappings/.test(v)), diag.verdict.join('\n'));
  assert.ok(!diag.verdict.some((v) => /too small or too fragmented/.test(v)));
});

test('leak diagnosis: a burst that outgrows the pool is called a pool that is too small', () => {
  const r = runConfig(effectiveConfig({ durationMs: 100, check: true }));
  assert.ok(r.policy.mapFailures > 0);
  assert.deepEqual(r.dmaDebug!.diagnosis.leaks, []);
  assert.ok(r.dmaDebug!.diagnosis.verdict.some((v) => /too small or too fragmented/.test(v)));
  assert.deepEqual(r.dmaDebug!.counts, {}, 'the built-in workloads use the DMA API correctly');
});

test('replay --check reports a double unmap in a trace with its file and line', async () => {
  const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { replayTraceFile } = await import('../src/lab/replay/replay-file.js');
  const src = readFileSync(new URL('./fixtures/oracle/nvme_smoke_smp2/trace.txt', import.meta.url), 'utf8').split('\n');
  const i = src.findIndex((l) => l.includes('unmap_single:'));
  const lines = [...src.slice(0, i + 2), src[i]!, src[i + 1]!, ...src.slice(i + 2)];
  const f = join(mkdtempSync(join(tmpdir(), 'dbg-')), 'double.txt');
  writeFileSync(f, lines.join('\n'));
  const r = await replayTraceFile(f, { check: true });
  assert.equal(r.dmaDebug?.counts.double_unmap, 1);
  assert.equal(r.dmaDebug?.findings[0]?.where, `${f}:${i + 3}`);
  const clean = await replayTraceFile(new URL('./fixtures/oracle/nvme_smoke_smp2/trace.txt', import.meta.url).pathname, { check: true });
  assert.deepEqual(clean.dmaDebug?.counts, {});
});
