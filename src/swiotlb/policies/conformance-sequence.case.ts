/**
 * One sequence of the policy conformance suite (conformance.case.ts): a
 * seeded mix of maps, device writes, syncs and unmaps on one machine, with
 * the suite's invariants checked after every step and its count identities
 * checked once everything is drained.
 *
 * A map that returns MAP_BLOCKED is what a sleeping caller sees: the request
 * (orig, size, dir, device and data) waits in a FIFO queue and is retried
 * after each unmap, one per unmap, as the lab engine wakes one blocked caller
 * per unmap (src/lab/engine/simulation.ts); a retry that blocks again joins
 * the back of the queue, as the engine's woken caller does. The drain keeps
 * unmapping and retrying until no request waits.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { createMachine, type Machine } from '../../machine/machine.js';
import { createPrng } from '../../machine/prng.js';
import { getProfile } from '../profiles.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../constants.js';
import { MAP_BLOCKED, MAP_DEFERRED, type CallContext, type PolicyFactory, type PolicyStats, type SwiotlbPolicy } from '../policy.js';

/** Original buffers live in [1 GiB, 1.25 GiB + 4 KiB + 256 KiB), reserved so no policy's page allocations land there. */
const ORIG_BASE = 0x4000_0000;
const ORIG_BYTES = 4096 * 0x10000 + 0x1000 + 0x40000;

/** A map request as its caller keeps it: enough to check the bounce copy and to map it again. */
interface Request {
  orig: number;
  size: number;
  dir: DmaDirection;
  devIndex: number;
  /** The bytes of the original buffer at map time. */
  data: Uint8Array;
  /** CPU of the caller (a blocked caller retries on it). */
  cpu: number;
}

interface Mapping {
  tlb: number;
  orig: number;
  size: number;
  dir: DmaDirection;
  devIndex: number;
  /** What the device last wrote (or the map copied) into the bounce buffer. */
  device: Uint8Array;
}

/** Sizes and kernel of a sequence. */
export interface SequenceOptions {
  kernel: string;
  poolBytes: number;
  maxSize: number;
}

/** The machine a sequence runs on. */
export interface SequenceMachine {
  /** A confidential VM (bounce memory shared with the host). */
  confidential: boolean;
  /** Bytes of a CMA region placed top-down below the originals; 0 for none. */
  cmaBytes: number;
}

/** Blocked maps of one sequence and what became of them. */
export interface BlockingCounts {
  /** MAP_BLOCKED returns, first attempts and retries alike (stats().blocked). */
  blocked: number;
  /** Retries of blocked requests, each one map call. */
  retries: number;
  /** Requests that blocked at least once. */
  requests: number;
  /** Of those, requests whose retry finally mapped. */
  served: number;
  /** Of those, requests whose retry failed with a cause. */
  failed: number;
  /** Of those, requests whose retry was deferred (and completed later). */
  deferred: number;
}

/** What a drained sequence leaves behind. */
export interface SequenceResult {
  policy: SwiotlbPolicy;
  machine: Machine;
  /** stats() after the drain. */
  stats: PolicyStats;
  blocking: BlockingCounts;
}

/**
 * Deterministic pseudo-random bytes for a buffer's contents.
 *
 * @param len - Bytes.
 * @param seed - Which pattern.
 * @returns A new array.
 * @remarks Context: tests only.
 */
export function pattern(len: number, seed: number): Uint8Array {
  const a = new Uint8Array(len);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < len; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    a[i] = x >>> 24;
  }
  return a;
}

/**
 * Run one seeded sequence on a fresh machine and check every invariant of the suite.
 *
 * @param factory - Builds the policy under test.
 * @param seed - Seed of the sequence (sizes, addresses, directions, contexts).
 * @param o - Kernel profile, boot pool bytes and largest mapping.
 * @param m - Confidential VM or not, and CMA region bytes.
 * @returns The drained policy, its machine, its final stats and the blocking counts, for a policy's own extra checks.
 * @throws AssertionError at the first broken invariant.
 * @remarks Context: test files only.
 */
export function runConformanceSequence(factory: PolicyFactory, seed: number, o: SequenceOptions, m: SequenceMachine): SequenceResult {
  const { confidential } = m;
  const cma = m.cmaBytes > 0 ? { cma: { size: m.cmaBytes, limit: ORIG_BASE } } : {};
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'bytes', confidential, ...cma });
  if (m.cmaBytes > 0) {
    const { cmaBase, cmaSize } = machine.pages;
    assert.ok(cmaSize === m.cmaBytes && cmaBase >= 0 && cmaBase + cmaSize <= ORIG_BASE, 'the CMA region lies below the originals');
  }
  const env = { machine, profile: getProfile(o.kernel), cpus: 2, poolBytes: o.poolBytes, nareas: 2, forceBounce: true, confidential };
  assert.ok(machine.pages.reserve(ORIG_BASE, ORIG_BYTES), 'originals region reserved');
  const policy: SwiotlbPolicy = factory(env);
  const name = policy.name;
  const devs = [machine.addDevice({ name: 'plain' }), machine.addDevice({ name: 'nvme', minAlignMask: 0xfff })];
  const rnd = createPrng(seed);
  const live: Mapping[] = [];
  const waiting: (Request & { ticket: number })[] = [];
  const sleepers: Request[] = [];
  const b: BlockingCounts = { blocked: 0, retries: 0, requests: 0, served: 0, failed: 0, deferred: 0 };
  let now = 0;
  let ok = 0;
  let failed = 0;
  let deferred = 0;
  let unmapped = 0;
  const ctx = (): CallContext => ({ cpu: rnd.nextInt(2), maySleep: rnd.nextInt(2) === 0, now });
  const adopt = () => {
    for (const c of policy.takeCompleted()) {
      const w = waiting.findIndex((x) => x.ticket === c.ticket);
      assert.ok(w >= 0, `${name}: completion for unknown ticket ${c.ticket}`);
      const x = waiting.splice(w, 1)[0]!;
      assert.deepEqual(machine.memory.read(c.tlb, x.size), x.data, `${name}: a deferred map copied the original`);
      live.push({ tlb: c.tlb, orig: x.orig, size: x.size, dir: x.dir, devIndex: x.devIndex, device: x.data.slice() });
    }
  };
  /** Map a request (first attempt or retry) with the original holding its data, and check and file the outcome. */
  const mapRequest = (q: Request, c: CallContext): number => {
    const dev = devs[q.devIndex]!;
    machine.memory.write(q.orig, q.data); // a sleeping caller's buffer still holds its data when it retries
    const tlb = policy.map({ dev, orig: q.orig, size: q.size, allocAlignMask: 0, dir: q.dir, attrs: 0 }, c);
    if (tlb === MAP_DEFERRED) {
      deferred++;
      waiting.push({ ...q, ticket: policy.stats(now).deferred });
    } else if (tlb === MAP_BLOCKED) {
      b.blocked++;
      assert.ok(c.maySleep, `${name}: only a caller that may sleep is told to wait`);
      sleepers.push(q);
    } else if (tlb < 0) {
      failed++;
      assert.ok(policy.lastFailure !== null, `${name}: a failed map says why`);
    } else {
      ok++;
      assert.equal((tlb % 4096) & dev.minAlignMask, q.orig & dev.minAlignMask, `${name}: min_align_mask bits kept`);
      assert.deepEqual(machine.memory.read(tlb, q.size), q.data, `${name}: the map copied the original into the bounce buffer`);
      live.push({ tlb, orig: q.orig, size: q.size, dir: q.dir, devIndex: q.devIndex, device: q.data.slice() });
    }
    return tlb;
  };
  /** An unmap woke the oldest blocked caller: it retries its map, in process context on its CPU. */
  const wakeOne = () => {
    const q = sleepers.shift();
    if (q === undefined) return;
    b.retries++;
    const r = mapRequest(q, { cpu: q.cpu, maySleep: true, now });
    if (r === MAP_DEFERRED) b.deferred++;
    else if (r === MAP_BLOCKED) return; // queued again, at the back
    else if (r < 0) b.failed++;
    else b.served++;
  };
  const unmap = (x: Mapping) => {
    policy.unmap(devs[x.devIndex]!, x.tlb, x.size, x.dir, 0, ctx());
    unmapped++;
  };
  for (let step = 0; step < 400; step++) {
    now += 1000 + rnd.nextInt(100_000);
    const t = policy.tick(now);
    assert.ok(t > now || t === Infinity, `${name}: tick must return a future time`);
    adopt();
    const r = rnd.nextInt(10);
    if (r < 5 || live.length === 0) {
      const devIndex = rnd.nextInt(2);
      const max = Math.min(o.maxSize, policy.maxMappingSize(devs[devIndex]!));
      const size = 1 + rnd.nextInt(rnd.nextInt(4) === 0 ? max : Math.min(max, 16384));
      const orig = ORIG_BASE + rnd.nextInt(4096) * 0x10000 + rnd.nextInt(0x1000);
      const data = pattern(size, seed * 1000 + step);
      const dir = ([DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_BIDIRECTIONAL] as const)[rnd.nextInt(3)]!;
      const c = ctx();
      if (mapRequest({ orig, size, dir, devIndex, data, cpu: c.cpu }, c) === MAP_BLOCKED) b.requests++;
    } else if (r < 7) {
      const x = live[rnd.nextInt(live.length)]!;
      const d = pattern(x.size, step + 7);
      machine.memory.write(x.tlb, d); // the device writes the whole buffer
      x.device = d;
      if (x.dir !== DMA_TO_DEVICE) {
        policy.syncForCpu(devs[x.devIndex]!, x.tlb, x.size, x.dir);
        assert.deepEqual(machine.memory.read(x.orig, x.size), d, `${name}: sync for cpu copied back`);
      }
    } else {
      const x = live.splice(rnd.nextInt(live.length), 1)[0]!;
      unmap(x);
      if (x.dir !== DMA_TO_DEVICE) assert.deepEqual(machine.memory.read(x.orig, x.size), x.device, `${name}: unmap copied back`);
      assert.equal(policy.isBounceBuffer(devs[x.devIndex]!, x.orig), false, `${name}: an original buffer is never a bounce buffer`);
      wakeOne();
    }
    // Invariants after every step.
    const bufs = policy.live();
    assert.equal(bufs.length, live.length, `${name}: live() lists every live mapping`);
    const spans = bufs.map((buf) => [buf.tlb, buf.tlb + buf.size] as const).sort((p, q) => p[0] - q[0]);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0] >= spans[i - 1]![1], `${name}: live bounce buffers overlap`);
    for (const x of live) {
      const dev = devs[x.devIndex]!;
      assert.ok(policy.isBounceBuffer(dev, x.tlb) && policy.isBounceBuffer(dev, x.tlb + x.size - 1), `${name}: lookup finds a live buffer`);
    }
  }
  // Drain: unmap everything, waking one blocked caller per unmap (or per round once nothing is live), complete what was deferred.
  for (let guard = 0; (live.length > 0 || waiting.length > 0 || sleepers.length > 0) && guard < 10_000; guard++) {
    now += 1_000_000;
    policy.tick(now);
    adopt();
    const x = live.pop();
    if (x !== undefined) unmap(x);
    wakeOne();
  }
  assert.equal(waiting.length, 0, `${name}: every deferred map completes once space frees`);
  assert.equal(sleepers.length, 0, `${name}: every blocked caller maps, fails or is deferred once space frees`);
  assert.equal(b.served + b.failed + b.deferred, b.requests, `${name}: no blocked caller is lost: each one's retries end in exactly one outcome`);
  assert.equal(b.retries, b.blocked, `${name}: each MAP_BLOCKED return is followed by exactly one retry`);
  const s = policy.stats(now);
  assert.equal(s.inUseBytes, 0, `${name}: nothing in use after every unmap`);
  assert.equal(policy.live().length, 0);
  assert.equal(s.maps, ok + failed + deferred + b.blocked, `${name}: every map call counted once, retries included`);
  assert.equal(s.mapFailures, failed);
  assert.equal(s.unmaps, unmapped);
  assert.equal(s.deferred, deferred);
  assert.equal(s.blocked, b.blocked, `${name}: every MAP_BLOCKED return counted, retries included`);
  assert.equal(Object.values(s.failuresByCode).reduce((a, n) => a + (n ?? 0), 0), failed, `${name}: every failure has a cause`);
  assert.ok(s.peakInUseBytes <= s.peakReservedBytes, `${name}: never uses more than it reserved`);
  if (confidential) assert.ok(s.hypercalls > 0, `${name}: a confidential VM shares bounce memory with the host`);
  return { policy, machine, stats: s, blocking: b };
}
