/**
 * The conformance suite every swiotlb policy passes (Hono's common.case
 * pattern): each policy's own test file calls runPolicyConformance().
 *
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../machine/machine.js';
import { createPrng } from '../../machine/prng.js';
import { getProfile } from '../profiles.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../constants.js';
import { MAP_BLOCKED, MAP_DEFERRED, type CallContext, type PolicyFactory, type SwiotlbPolicy } from '../policy.js';

/** Original buffers live in [1 GiB, 1.25 GiB + 4 KiB), reserved so no policy's page allocations land there. */
const ORIG_BASE = 0x4000_0000;
const ORIG_BYTES = 4096 * 0x10000 + 0x1000 + 0x40000;
interface Mapping {
  tlb: number;
  orig: number;
  size: number;
  dir: DmaDirection;
  devIndex: number;
  device: Uint8Array;
}

/** Options of {@link runPolicyConformance}. */
export interface ConformanceOptions {
  /** Kernel profile; default 6.12. */
  kernel?: string;
  /** Boot pool bytes; default 4 MiB. */
  poolBytes?: number;
  /** Largest mapping to try; default 256 KiB (bigger ones are tried too where the policy's max allows). */
  maxSize?: number;
  /** Also run as a confidential VM. */
  confidential?: boolean;
  /** Sequences (seeds) to run; default 12. */
  seeds?: number;
}

function pattern(len: number, seed: number): Uint8Array {
  const a = new Uint8Array(len);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < len; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    a[i] = x >>> 24;
  }
  return a;
}

function runSequence(factory: PolicyFactory, seed: number, o: Required<ConformanceOptions>, confidential: boolean): void {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'bytes', confidential });
  const env = { machine, profile: getProfile(o.kernel), cpus: 2, poolBytes: o.poolBytes, nareas: 2, forceBounce: true, confidential };
  assert.ok(machine.pages.reserve(ORIG_BASE, ORIG_BYTES), 'originals region reserved');
  const policy: SwiotlbPolicy = factory(env);
  const devs = [machine.addDevice({ name: 'plain' }), machine.addDevice({ name: 'nvme', minAlignMask: 0xfff })];
  const rnd = createPrng(seed);
  const live: Mapping[] = [];
  const waiting: { orig: number; size: number; dir: DmaDirection; devIndex: number; data: Uint8Array; ticket: number }[] = [];
  let now = 0;
  let ok = 0;
  let failed = 0;
  let deferred = 0;
  let blocked = 0;
  let unmapped = 0;
  const ctx = (): CallContext => ({ cpu: rnd.nextInt(2), maySleep: rnd.nextInt(2) === 0, now });
  const adopt = () => {
    for (const c of policy.takeCompleted()) {
      const w = waiting.findIndex((x) => x.ticket === c.ticket);
      assert.ok(w >= 0, `${policy.name}: completion for unknown ticket ${c.ticket}`);
      const x = waiting.splice(w, 1)[0]!;
      assert.deepEqual(machine.memory.read(c.tlb, x.size), x.data, `${policy.name}: a deferred map copied the original`);
      live.push({ tlb: c.tlb, orig: x.orig, size: x.size, dir: x.dir, devIndex: x.devIndex, device: x.data.slice() });
    }
  };
  for (let step = 0; step < 400; step++) {
    now += 1000 + rnd.nextInt(100_000);
    const t = policy.tick(now);
    assert.ok(t > now || t === Infinity, `${policy.name}: tick must return a future time`);
    adopt();
    const r = rnd.nextInt(10);
    if (r < 5 || live.length === 0) {
      const devIndex = rnd.nextInt(2);
      const dev = devs[devIndex]!;
      const max = Math.min(o.maxSize, policy.maxMappingSize(dev));
      const size = 1 + rnd.nextInt(rnd.nextInt(4) === 0 ? max : Math.min(max, 16384));
      const orig = ORIG_BASE + rnd.nextInt(4096) * 0x10000 + rnd.nextInt(0x1000);
      const data = pattern(size, seed * 1000 + step);
      machine.memory.write(orig, data);
      const dir = ([DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_BIDIRECTIONAL] as const)[rnd.nextInt(3)]!;
      const tlb = policy.map({ dev, orig, size, allocAlignMask: 0, dir, attrs: 0 }, ctx());
      if (tlb === MAP_DEFERRED) {
        deferred++;
        waiting.push({ orig, size, dir, devIndex, data, ticket: policy.stats(now).deferred });
      } else if (tlb === MAP_BLOCKED) blocked++;
      else if (tlb < 0) {
        failed++;
        assert.ok(policy.lastFailure !== null, `${policy.name}: a failed map says why`);
      } else {
        ok++;
        assert.equal((tlb % 4096) & dev.minAlignMask, orig & dev.minAlignMask, `${policy.name}: min_align_mask bits kept`);
        assert.deepEqual(machine.memory.read(tlb, size), data, `${policy.name}: the map copied the original into the bounce buffer`);
        live.push({ tlb, orig, size, dir, devIndex, device: data.slice() });
      }
    } else if (r < 7) {
      const m = live[rnd.nextInt(live.length)]!;
      const dev = devs[m.devIndex]!;
      const d = pattern(m.size, step + 7);
      machine.memory.write(m.tlb, d); // the device writes the whole buffer
      m.device = d;
      if (m.dir !== DMA_TO_DEVICE) {
        policy.syncForCpu(dev, m.tlb, m.size, m.dir);
        assert.deepEqual(machine.memory.read(m.orig, m.size), d, `${policy.name}: sync for cpu copied back`);
      }
    } else {
      const m = live.splice(rnd.nextInt(live.length), 1)[0]!;
      const dev = devs[m.devIndex]!;
      policy.unmap(dev, m.tlb, m.size, m.dir, 0, ctx());
      unmapped++;
      if (m.dir !== DMA_TO_DEVICE) assert.deepEqual(machine.memory.read(m.orig, m.size), m.device, `${policy.name}: unmap copied back`);
      assert.equal(policy.isBounceBuffer(dev, m.orig), false, `${policy.name}: an original buffer is never a bounce buffer`);
    }
    // Invariants after every step.
    const bufs = policy.live();
    assert.equal(bufs.length, live.length, `${policy.name}: live() lists every live mapping`);
    const spans = bufs.map((b) => [b.tlb, b.tlb + b.size] as const).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `${policy.name}: live bounce buffers overlap`);
    for (const m of live) {
      const dev = devs[m.devIndex]!;
      assert.ok(policy.isBounceBuffer(dev, m.tlb) && policy.isBounceBuffer(dev, m.tlb + m.size - 1), `${policy.name}: lookup finds a live buffer`);
    }
  }
  // Drain: unmap everything, complete what was deferred.
  for (let guard = 0; (live.length > 0 || waiting.length > 0) && guard < 10_000; guard++) {
    now += 1_000_000;
    policy.tick(now);
    adopt();
    const m = live.pop();
    if (m !== undefined) {
      policy.unmap(devs[m.devIndex]!, m.tlb, m.size, m.dir, 0, ctx());
      unmapped++;
    }
  }
  assert.equal(waiting.length, 0, `${policy.name}: every deferred map completes once space frees`);
  const s = policy.stats(now);
  assert.equal(s.inUseBytes, 0, `${policy.name}: nothing in use after every unmap`);
  assert.equal(policy.live().length, 0);
  assert.equal(s.maps, ok + failed + deferred + blocked, `${policy.name}: maps counted once each`);
  assert.equal(s.mapFailures, failed);
  assert.equal(s.unmaps, unmapped);
  assert.equal(s.deferred, deferred);
  assert.equal(s.blocked, blocked);
  assert.equal(Object.values(s.failuresByCode).reduce((a, b) => a + (b ?? 0), 0), failed, `${policy.name}: every failure has a cause`);
  assert.ok(s.peakInUseBytes <= s.peakReservedBytes, `${policy.name}: never uses more than it reserved`);
  if (confidential) assert.ok(s.hypercalls > 0, `${policy.name}: a confidential VM shares bounce memory with the host`);
}

/**
 * Register the conformance tests for one policy.
 *
 * @param name - Policy name, for test titles.
 * @param factory - Builds the policy.
 * @param options - Sizes and variants.
 * @remarks Context: test files only.
 */
export function runPolicyConformance(name: string, factory: PolicyFactory, options: ConformanceOptions = {}): void {
  const o: Required<ConformanceOptions> = { kernel: '6.12', poolBytes: 4 * 1024 * 1024, maxSize: 262144, confidential: true, seeds: 12, ...options };
  test(`policy ${name}: bytes round-trip, no overlap, no lost mapping, consistent counts, exact lookup`, () => {
    for (let seed = 1; seed <= o.seeds; seed++) runSequence(factory, seed, o, false);
  });
  if (o.confidential) {
    test(`policy ${name}: the same in a confidential VM, with shared-memory hypercalls counted`, () => {
      for (let seed = 1; seed <= Math.ceil(o.seeds / 3); seed++) runSequence(factory, 100 + seed, o, true);
    });
  }
}
