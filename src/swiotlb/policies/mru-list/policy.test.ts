import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance, type ConformanceRun } from '../conformance.case.js';
import { createMruListPolicy, type MruListPolicy } from './policy.js';
import { createMachine, type Machine, type MachineOptions } from '../../../machine/machine.js';
import type { Device } from '../../../machine/device.js';
import { getProfile } from '../../profiles.js';
import { DMA_ATTR_SKIP_CPU_SYNC, DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../../constants.js';
import type { CallContext } from '../../policy.js';
import type { MruListOptions } from './options.js';

/**
 * After each conformance sequence: the machine's CMA blocks are exactly the
 * dynamic buffers the meter prices as CMA allocations (the suite's mappings
 * stay below 4 MiB, so each is one block, never a run), sleepable callers did
 * get CMA buffers when the machine has a region, and the drain gave every CMA
 * page back.
 */
function cmaUse(r: ConformanceRun): void {
  const p = r.policy as MruListPolicy;
  const blocks = r.machine.pages.counters().cmaAllocations.reduce((a, b) => a + b, 0);
  assert.equal(p.dynCounters.cmaRuns, 0);
  assert.equal(p.meter.cmaAllocs, blocks, 'every CMA block is a dynamic buffer counted as a CMA allocation');
  if (r.cmaBytes === 0) return;
  assert.ok(p.dynCounters.cmaBuffers > 0, 'sleepable callers got dynamic buffers from CMA');
  assert.equal(r.machine.pages.pagesFree('cma') * 4096, r.cmaBytes, 'every CMA page is free again after the drain');
}

runPolicyConformance('mru-list', createMruListPolicy, { afterRun: cmaUse });
runPolicyConformance('mru-list (tree lookup)', (env) => createMruListPolicy(env, { lookup: 'tree' }), { seeds: 3, confidential: false, afterRun: cmaUse });

const POOL = 4 << 20;
const ORIG = 0x4000_0000;
const atomic: CallContext = { cpu: 0, maySleep: false, now: 0 };
const sleeper: CallContext = { cpu: 0, maySleep: true, now: 0 };

function setup(m: Partial<MachineOptions> = {}, options: MruListOptions = {}): { machine: Machine; p: MruListPolicy; plain: Device; nvme: Device } {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting', ...m });
  const p = createMruListPolicy({ machine, profile: getProfile('6.12'), cpus: 2, poolBytes: POOL, nareas: 2, forceBounce: true, confidential: m.confidential ?? false }, options);
  return { machine, p, plain: machine.addDevice({ name: 'plain' }), nvme: machine.addDevice({ name: 'nvme', minAlignMask: 0xfff }) };
}
const inPool = (p: MruListPolicy, tlb: number) => tlb >= p.pool.mem.pools[0]!.start && tlb < p.pool.mem.pools[0]!.end;
const map = (p: MruListPolicy, dev: Device, size: number, ctx = atomic, orig = ORIG, dir: 0 | 1 | 2 = DMA_TO_DEVICE) =>
  p.map({ dev, orig, size, allocAlignMask: 0, dir, attrs: 0 }, ctx);

test('policy mru-list: a 2 KiB map uses the fixed pool', () => {
  const { p, plain } = setup();
  const tlb = map(p, plain, 2048);
  assert.ok(inPool(p, tlb));
  assert.equal(p.dynCounters.refusedSmall, 1);
  assert.equal(p.stats(0).pageAllocs, 0);
});

test('policy mru-list: a 64 KiB map on a device without min_align_mask gets its own page-aligned buffer', () => {
  const { machine, p, plain } = setup();
  const tlb = map(p, plain, 65536);
  assert.ok(!inPool(p, tlb) && tlb % 4096 === 0);
  let s = p.stats(0);
  assert.equal(s.pageAllocs, 1);
  assert.equal(p.dynCounters.kmallocs, 1);
  assert.equal(s.reservedBytes, POOL + 65536);
  assert.equal(s.inUseBytes, 65536);
  assert.equal(machine.pages.counters().allocations[4], 1, 'one order-4 buddy block');
  assert.ok(p.isBounceBuffer(plain, tlb + 65535) && !p.isBounceBuffer(plain, tlb + 65536));
  p.unmap(plain, tlb, 65536, DMA_TO_DEVICE, 0, atomic);
  s = p.stats(0);
  assert.deepEqual([s.pageFrees, p.dynCounters.kfrees, s.reservedBytes, s.inUseBytes, s.peakReservedBytes], [1, 1, POOL, 0, POOL + 65536]);
  assert.equal(p.isBounceBuffer(plain, tlb), false);
});

test('policy mru-list: an NVMe-like device (min_align_mask 0xfff) always uses the pool', () => {
  const { p, nvme } = setup();
  for (const size of [4096, 65536, 200 * 1024]) assert.ok(inPool(p, map(p, nvme, size, sleeper, ORIG + 0x123)));
  assert.equal(p.dynCounters.refusedAligned, 3);
  assert.equal(p.stats(0).pageAllocs, 0);
});

test('policy mru-list: sync and unmap of the just-used buffer visit ~1 list node per lookup at queue depth 32', () => {
  const { p, plain } = setup();
  const outstanding: number[] = [];
  for (let i = 0; i < 32; i++) outstanding.push(map(p, plain, 8192, atomic, ORIG + i * 8192));
  const c = p.dynLookup.counters;
  const [l0, n0] = [c.lookups, c.nodesVisited];
  for (let i = 0; i < 100; i++) {
    const tlb = map(p, plain, 8192, atomic, ORIG + 0x100000); // the map's copy is a lookup too
    assert.ok(p.isBounceBuffer(plain, tlb)); // dma_direct_sync_single_for_cpu()
    p.syncForCpu(plain, tlb, 8192, DMA_FROM_DEVICE);
    assert.ok(p.isBounceBuffer(plain, tlb)); // dma_direct_unmap_page()
    p.unmap(plain, tlb, 8192, DMA_FROM_DEVICE, DMA_ATTR_SKIP_CPU_SYNC, atomic);
  }
  assert.equal((c.nodesVisited - n0) / (c.lookups - l0), 1);
});

test('policy mru-list: completing the oldest of 32 buffers walks the list; a tree would visit ~log2(32) either way', () => {
  const perLookup = (opts: MruListOptions, fifo: boolean): number => {
    const { p, plain } = setup({}, opts);
    const q: number[] = [];
    for (let i = 0; i < 32; i++) q.push(map(p, plain, 8192, atomic, ORIG + i * 8192));
    const c = p.dynLookup.counters;
    const [l0, n0] = [c.lookups, c.nodesVisited];
    for (let i = 0; i < 100; i++) {
      q.push(map(p, plain, 8192, atomic, ORIG + (i % 32) * 8192));
      const tlb = fifo ? q.shift()! : q.pop()!;
      assert.ok(p.isBounceBuffer(plain, tlb));
      p.unmap(plain, tlb, 8192, DMA_TO_DEVICE, DMA_ATTR_SKIP_CPU_SYNC, atomic);
    }
    return (c.nodesVisited - n0) / (c.lookups - l0);
  };
  assert.ok(perLookup({}, true) > 10, 'FIFO completion: the oldest buffer is at the tail');
  assert.equal(perLookup({}, false), 1);
  // The tree's count includes the insert descent of every map: about log2(32) + 1 nodes per operation either way.
  const [tFifo, tLifo] = [true, false].map((fifo) => perLookup({ lookup: 'tree', tree: { perDevice: true } }, fifo));
  assert.ok(tFifo! > 5 && tFifo! < 9 && Math.abs(tFifo! - tLifo!) < 1.5, `tree: ${tFifo} / ${tLifo}`);
});

test('policy mru-list: a device that never had a dynamic buffer pays no list node and no list lock', () => {
  const { machine, p, plain, nvme } = setup();
  const quiet = machine.addDevice({ name: 'quiet' });
  for (let i = 0; i < 8; i++) map(p, plain, 65536, atomic, ORIG + i * 65536);
  const nvmeTlb = map(p, nvme, 65536);
  const c = { ...p.dynLookup.counters };
  for (const dev of [nvme, quiet]) for (let i = 0; i < 50; i++) p.isBounceBuffer(dev, 0x7000_0000 + i * 4096);
  assert.ok(p.isBounceBuffer(nvme, nvmeTlb), 'its pool buffer is found by the range check');
  assert.equal(p.dynLookup.counters.nodesVisited, c.nodesVisited);
  assert.equal(p.dynLookup.counters.lockAcquisitions, c.lockAcquisitions);
  assert.equal(p.dynLookup.counters.skipped - c.skipped, 100);
});

test('policy mru-list: without maySleep a dynamic buffer never comes from CMA', () => {
  const { machine, p, plain } = setup({ cma: { size: 64 << 20 } });
  const cmaOf = () => machine.pages.counters().cmaAllocations.reduce((a, b) => a + b, 0);
  const a = map(p, plain, 2 << 20, atomic);
  assert.ok(!inPool(p, a) && cmaOf() === 0);
  const b = map(p, plain, 2 << 20, sleeper);
  assert.equal(cmaOf(), 1);
  assert.ok(b >= machine.pages.cmaBase && b < machine.pages.cmaBase + machine.pages.cmaSize);
  assert.equal(map(p, plain, 8 << 20, atomic), -1, 'above MAX_ORDER only CMA could serve it');
  assert.deepEqual(p.lastDynFailure, { code: 'no_memory', size: 8 << 20, order: 11 });
  assert.equal(p.lastFailure?.code, 'too_large');
  assert.equal(cmaOf(), 1);
});

for (const confidential of [false, true]) {
  test(`policy mru-list: an 8 MiB frame buffer for a 1 GiB display engine succeeds with maySleep and CMA${confidential ? ' (CoCo: 2 hypercalls)' : ''}`, () => {
    const { machine, p } = setup({ cma: { size: 64 << 20, limit: 1 << 30 }, confidential, memory: 'bytes' });
    const display = machine.addDevice({ name: 'display', dmaMask: 2 ** 30 - 1 });
    machine.memory.write(ORIG + 8 * 1024 * 1024 - 3, Uint8Array.of(1, 2, 3));
    const h0 = p.stats(0).hypercalls;
    const tlb = map(p, display, 8 << 20, { cpu: 0, maySleep: true, now: 10 }, ORIG, DMA_TO_DEVICE);
    assert.ok(tlb >= 0 && tlb + (8 << 20) <= 2 ** 30);
    assert.deepEqual(machine.memory.read(tlb + 8 * 1024 * 1024 - 3, 3), Uint8Array.of(1, 2, 3));
    let s = p.stats(20);
    assert.deepEqual([s.pageAllocs, p.dynCounters.cmaRuns, s.reservedBytes, s.bytesBounced], [2, 1, POOL + (8 << 20), 8 << 20]);
    assert.equal(s.hypercalls - h0, confidential ? 1 : 0);
    assert.equal(s.sharedPages, confidential ? POOL / 4096 + 2048 : 0);
    p.unmap(display, tlb, 8 << 20, DMA_TO_DEVICE, 0, { cpu: 0, maySleep: true, now: 30 });
    s = p.stats(40);
    assert.deepEqual([s.pageFrees, s.reservedBytes, s.reservedByteNs], [2, POOL, POOL * 40 + (8 << 20) * 20]);
    assert.equal(s.hypercalls - h0, confidential ? 2 : 0);
  });
}

test('policy mru-list: a 34 MiB 4K frame is one contiguous CMA run of 8704 pages (8 order-10 blocks and one order-9)', () => {
  const { machine, p } = setup({ cma: { size: 128 << 20, limit: 1 << 30 } });
  const display = machine.addDevice({ name: 'display', dmaMask: 2 ** 30 - 1 });
  const size = 34 << 20;
  const tlb = map(p, display, size, sleeper);
  assert.ok(tlb >= 0);
  assert.deepEqual([p.stats(0).pageAllocs, p.live().find((b) => b.tlb === tlb)?.reserved], [9, 34 << 20]);
  p.unmap(display, tlb, size, DMA_TO_DEVICE, 0, sleeper);
  assert.equal(machine.pages.pagesFree('cma'), (128 << 20) / 4096);
});

test('policy mru-list: an 8 MiB frame buffer without CMA fails: no_memory for the buffer, too_large from the pool', () => {
  const { machine, p } = setup();
  const display = machine.addDevice({ name: 'display', dmaMask: 2 ** 30 - 1 });
  assert.equal(map(p, display, 8 << 20, sleeper), -1);
  assert.deepEqual(p.lastDynFailure, { code: 'no_memory', size: 8 << 20, order: 11 });
  assert.equal(p.lastFailure?.code, 'too_large');
  const s = p.stats(0);
  assert.deepEqual([s.mapFailures, s.failuresByCode.too_large, p.dynCounters.allocFailures.no_memory, s.pageAllocs], [1, 1, 1, 0]);
});

test('policy mru-list: a restricted pool, or dynamic off, never allocates dynamically', () => {
  for (const o of [{ restricted: true }, { dynamic: false }]) {
    const { p, plain } = setup({}, o);
    assert.ok(inPool(p, map(p, plain, 65536, sleeper)));
    assert.equal(p.stats(0).pageAllocs, 0);
    assert.equal(p.allowDyn, false);
  }
});

test('policy mru-list: in a confidential VM each dynamic buffer costs one share and one unshare hypercall', () => {
  const { p, plain } = setup({ confidential: true });
  assert.deepEqual([p.stats(0).hypercalls, p.stats(0).sharedPages], [1, POOL / 4096]);
  const tlb = map(p, plain, 65536);
  assert.deepEqual([p.stats(0).hypercalls, p.stats(0).sharedPages], [2, POOL / 4096 + 16]);
  p.unmap(plain, tlb, 65536, DMA_TO_DEVICE, 0, atomic);
  assert.equal(p.stats(0).hypercalls, 3);
});

test('policy mru-list: unmapping an address that is no bounce buffer is refused', () => {
  const { p, plain } = setup();
  assert.throws(() => p.unmap(plain, 0x7000_0000, 4096, DMA_TO_DEVICE, 0, atomic), { code: 'unmap_not_swiotlb' });
  assert.throws(() => p.syncForCpu(plain, 0x7000_0000, 4096, DMA_FROM_DEVICE), { code: 'unmap_not_swiotlb' });
});
