import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceLine } from './parse-line.js';
import type { TraceEvent } from './trace-event.js';

// Synthetic lines written from the TP_printk formats of include/trace/events/dma.h (6.12, 6.19).
const HEAD = '  kworker/1:1H-70      [001] .....   812.000123: ';
const BASE = { line: 3, cpu: 1, ts: 812.000123, task: 'kworker/1:1H', pid: 70, irq: false, device: '0000:00:04.0' };

/** Parse `HEAD + body`, which must be an event; drop the header columns. */
function dma(body: string): Record<string, unknown> {
  const r = parseTraceLine(HEAD + body, 3, 'dma.txt');
  assert.equal(r.type, 'event', body);
  const ev = (r as { event: TraceEvent }).event;
  for (const [k, v] of Object.entries(BASE)) assert.deepEqual((ev as unknown as Record<string, unknown>)[k], v, k);
  const { line, cpu, ts, task, pid, irq, device, ...rest } = ev as unknown as Record<string, unknown>;
  void [line, cpu, ts, task, pid, irq, device];
  return rest;
}

test('DMA_BUILDERS 6.12 dma_map_page / dma_unmap_page with attribute names', () => {
  assert.deepEqual(dma('dma_map_page: 0000:00:04.0 dir=FROM_DEVICE dma_addr=7b902000 size=4096 phys_addr=491d000 attrs='), {
    kind: 'dma_map_page', dir: 2, dmaAddr: 0x7b902000, size: 4096, physAddr: 0x491d000, attrs: 0,
  });
  assert.deepEqual(dma('dma_map_resource: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffffffffffffffff size=8 phys_addr=fed00000 attrs=SKIP_CPU_SYNC|NO_WARN'), {
    kind: 'dma_map_resource', dir: 0, dmaAddr: -1, size: 8, physAddr: 0xfed00000, attrs: (1 << 5) | (1 << 8),
  });
  assert.deepEqual(dma('dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=7b902000 size=4096 attrs=SKIP_CPU_SYNC'), {
    kind: 'dma_unmap_page', dir: 1, dmaAddr: 0x7b902000, size: 4096, attrs: 1 << 5,
  });
});

test('DMA_BUILDERS 6.12 dma_alloc / dma_free (no dir; phys_addr or virt_addr)', () => {
  assert.deepEqual(dma('dma_alloc: 0000:00:04.0 dma_addr=ffe00000 size=4096 phys_addr=1234000 flags=GFP_KERNEL|__GFP_ZERO attrs='), {
    kind: 'dma_alloc', dir: null, dmaAddr: 0xffe00000, size: 4096, physAddr: 0x1234000, virtAddr: null, physAddrs: null, flags: 'GFP_KERNEL|__GFP_ZERO', attrs: 0,
  });
  assert.deepEqual(dma('dma_alloc: 0000:00:04.0 dma_addr=ffe00000 size=4096 virt_addr=000000001c3a4f5e flags=GFP_KERNEL attrs=WRITE_COMBINE'), {
    kind: 'dma_alloc', dir: null, dmaAddr: 0xffe00000, size: 4096, physAddr: null, virtAddr: '000000001c3a4f5e', physAddrs: null, flags: 'GFP_KERNEL', attrs: 1 << 2,
  });
  assert.deepEqual(dma('dma_free: 0000:00:04.0 dma_addr=ffe00000 size=4096 phys_addr=1234000 attrs='), {
    kind: 'dma_free', dir: null, dmaAddr: 0xffe00000, size: 4096, physAddr: 0x1234000, virtAddr: null, physAddrs: null, attrs: 0,
  });
});

test('DMA_BUILDERS 6.12 scatter-gather and sync events carry their arrays', () => {
  assert.deepEqual(dma('dma_map_sg: 0000:00:04.0 dir=TO_DEVICE dma_addrs={0x7b902000,0x7b904000} sizes={0x1000,0x200} phys_addrs={0x491d000,0x4920000} attrs=NO_WARN'), {
    kind: 'dma_map_sg', dir: 1, dmaAddrs: [0x7b902000, 0x7b904000], sizes: [0x1000, 0x200], physAddrs: [0x491d000, 0x4920000], attrs: 1 << 8, nents: null, ents: null, truncated: false,
  });
  assert.deepEqual(dma('dma_unmap_sg: 0000:00:04.0 dir=TO_DEVICE phys_addrs={0x491d000,0x4920000} attrs='), {
    kind: 'dma_unmap_sg', dir: 1, physAddrs: [0x491d000, 0x4920000], attrs: 0,
  });
  assert.deepEqual(dma('dma_sync_single_for_cpu: 0000:00:04.0 dir=FROM_DEVICE dma_addr=7b902000 size=4096'), {
    kind: 'dma_sync_single_for_cpu', dir: 2, dmaAddr: 0x7b902000, size: 4096,
  });
  assert.deepEqual(dma('dma_sync_sg_for_device: 0000:00:04.0 dir=NONE dma_addrs={} sizes={}'), {
    kind: 'dma_sync_sg_for_device', dir: 3, dmaAddrs: [], sizes: [],
  });
});

test('DMA_BUILDERS 6.19 dma_map_phys / dma_unmap_phys and the alloc/free classes with dir', () => {
  assert.deepEqual(dma('dma_map_phys: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffffffffffffffff size=4096 phys_addr=491d000 attrs=MMIO|SKIP_CPU_SYNC'), {
    kind: 'dma_map_phys', dir: 0, dmaAddr: -1, size: 4096, physAddr: 0x491d000, attrs: (1 << 10) | (1 << 5),
  });
  assert.equal(dma('dma_unmap_phys: 0000:00:04.0 dir=FROM_DEVICE dma_addr=7b902000 size=512 attrs=').kind, 'dma_unmap_phys');
  assert.deepEqual(dma('dma_alloc_pages: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffe00000 size=8192 virt_addr=00000000a1b2c3d4 flags=GFP_KERNEL attrs='), {
    kind: 'dma_alloc_pages', dir: 0, dmaAddr: 0xffe00000, size: 8192, physAddr: null, virtAddr: '00000000a1b2c3d4', physAddrs: null, flags: 'GFP_KERNEL', attrs: 0,
  });
  assert.deepEqual(dma('dma_alloc_sgt: 0000:00:04.0 dir=FROM_DEVICE dma_addr=ffe00000 size=8192 phys_addrs={0x1000,0x2000} flags=GFP_KERNEL attrs=ALLOC_SINGLE_PAGES'), {
    kind: 'dma_alloc_sgt', dir: 2, dmaAddr: 0xffe00000, size: 8192, physAddr: null, virtAddr: null, physAddrs: [0x1000, 0x2000], flags: 'GFP_KERNEL', attrs: 1 << 7,
  });
  assert.deepEqual(dma('dma_free_sgt: 0000:00:04.0 dir=FROM_DEVICE dma_addr=ffe00000 size=8192 phys_addrs={0x1000,0x2000}'), {
    kind: 'dma_free_sgt', dir: 2, dmaAddr: 0xffe00000, size: 8192, physAddr: null, virtAddr: null, physAddrs: [0x1000, 0x2000], attrs: null,
  });
  assert.equal(dma('dma_free: 0000:00:04.0 dir=BIDIRECTIONAL dma_addr=ffe00000 size=8192 virt_addr=00000000a1b2c3d4 attrs=').dir, 0);
});

test('DMA_BUILDERS 6.19 dma_map_sg counts, [TRUNCATED] and dma_map_sg_err', () => {
  assert.deepEqual(dma('dma_map_sg: 0000:00:04.0 dir=TO_DEVICE nents=2/2 ents=1/1 dma_addrs={0x7b902000} sizes={0x1200} phys_addrs={0x491d000,0x491e000} attrs='), {
    kind: 'dma_map_sg', dir: 1, dmaAddrs: [0x7b902000], sizes: [0x1200], physAddrs: [0x491d000, 0x491e000], attrs: 0, nents: 2, ents: 1, truncated: false,
  });
  const cut = dma('dma_map_sg: 0000:00:04.0 dir=TO_DEVICE nents=128/200 ents=128/130 [TRUNCATED] dma_addrs={0x1} sizes={0x2} phys_addrs={0x3} attrs=');
  assert.deepEqual([cut.nents, cut.ents, cut.truncated], [200, 130, true]);
  assert.deepEqual(dma('dma_map_sg_err: 0000:00:04.0 dir=TO_DEVICE dma_addrs={0x491d000} err=-12 attrs=NO_WARN'), {
    kind: 'dma_map_sg_err', dir: 1, physAddrs: [0x491d000], err: -12, attrs: 1 << 8,
  });
});

test('DMA_BUILDERS attrs: unnamed bits as 0x.., unknown names rejected; device names may hold spaces', () => {
  assert.equal(dma('dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=1 size=1 attrs=SKIP_CPU_SYNC|0x8000').attrs, (1 << 5) + 0x8000);
  assert.throws(() => parseTraceLine(`${HEAD}dma_unmap_page: 0000:00:04.0 dir=TO_DEVICE dma_addr=1 size=1 attrs=BOGUS`, 3, 'dma.txt'), /dma\.txt:3: .*BOGUS/);
  assert.throws(() => parseTraceLine(`${HEAD}dma_unmap_page: 0000:00:04.0 dir=SIDEWAYS dma_addr=1 size=1 attrs=`, 3, 'dma.txt'), /dir/);
  assert.throws(() => parseTraceLine(`${HEAD}dma_map_sg: 0000:00:04.0 dir=TO_DEVICE dma_addrs={0x1,zz} sizes={} phys_addrs={} attrs=`, 3, 'dma.txt'), /dma_addrs/);
  const r = parseTraceLine(`${HEAD}dma_sync_single_for_cpu: my odd dev dir=FROM_DEVICE dma_addr=10 size=4`, 3);
  assert.ok(r.type === 'event' && r.event.kind === 'dma_sync_single_for_cpu' && r.event.device === 'my odd dev');
});

test('a dma:* event says whether it was written in an interrupt (the flags column)', () => {
  const body = 'dma_unmap_page: 0000:00:02.0 dir=FROM_DEVICE dma_addr=7d140000 size=258048 attrs=';
  const irq = (head: string): unknown => ((parseTraceLine(head + body, 1, 't') as { event: TraceEvent }).event as unknown as { irq: boolean }).irq;
  assert.equal(irq('          dd-282     [000] d.h1.     9: '), true, 'hardirq');
  assert.equal(irq('          dd-282     [000] ..s1.     9: '), true, 'softirq');
  assert.equal(irq('          dd-282     [000] d.H1.     9: '), true, 'hardirq inside a softirq');
  assert.equal(irq('          dd-282     [000] .....     9: '), false, 'task');
  assert.equal(irq('          dd-282     [000] .N...     9: '), false, 'task, need-resched');
  assert.equal(irq('          dd-282     [000]      9: '), false, 'no flags column');
});
