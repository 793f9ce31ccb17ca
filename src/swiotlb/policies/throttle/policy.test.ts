import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPolicyConformance } from '../conformance.case.js';
import { createThrottlePolicy, type ThrottlePolicy } from './policy.js';
import { createFixedPolicy } from '../fixed/policy.js';
import { createMachine, type Machine } from '../../../machine/machine.js';
import type { Device } from '../../../machine/device.js';
import { getProfile } from '../../profiles.js';
import { DMA_TO_DEVICE } from '../../constants.js';
import { MAP_BLOCKED, type PolicyEnv, type SwiotlbPolicy } from '../../policy.js';

let blockingRuns = 0;
runPolicyConformance('throttle', (env) => createThrottlePolicy(env), {
  // The shared suite cannot demand blocking; here it must happen, or its retry checks check nothing.
  afterRun: (r) => {
    if (r.blocking.blocked > 0) blockingRuns++;
    assert.equal(r.blocking.retries, r.blocking.blocked, 'each block is followed by one retry');
    assert.equal(r.blocking.served + r.blocking.failed + r.blocking.deferred, r.blocking.requests);
  },
});

test('policy throttle: the conformance sequences really block callers (so their retries are exercised)', () => {
  assert.ok(blockingRuns >= 3, `${blockingRuns} sequences blocked`);
});

const KiB = 1024;
const ORIG = 0x1000_0000;
/** 64 KiB: 32 slots. */
const SZ = 64 * KiB;

function env(machine: Machine): PolicyEnv {
  return { machine, profile: getProfile('6.12'), cpus: 2, poolBytes: 4 << 20, nareas: 2, forceBounce: true, confidential: false };
}

function setup(): { p: ThrottlePolicy; devs: Device[] } {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting' });
  const p = createThrottlePolicy(env(machine));
  return { p, devs: ['snail', 'cheetah', 'c', 'd'].map((name) => machine.addDevice({ name })) };
}

const req = (dev: Device, i: number, size = SZ) => ({ dev, orig: ORIG + i * 0x100000, size, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 } as const);
const sleep = (now: number) => ({ cpu: 0, maySleep: true, now });
const atomic = (now: number) => ({ cpu: 1, maySleep: false, now });

test('policy throttle: thresholds are 70 % and 65 % of the slots', () => {
  const { p } = setup();
  assert.deepEqual(p.throttleCounters(), { highThrottle: 1433, lowThrottle: 1331, highThrottleCount: 0, lowThrottleCount: 0 });
  assert.throws(() => createThrottlePolicy(env(createMachine({ ramBytes: 1 << 30, memory: 'accounting' })), { highPercent: 60, lowPercent: 65 }), /low <= high/);
});

test('policy throttle: an atomic caller is never blocked; it maps or fails', () => {
  const { p, devs } = setup();
  const [dev] = devs as [Device];
  let i = 0;
  while (p.mem.totalUsed <= 1433) assert.ok(p.map(req(dev, i++), sleep(0)) >= 0);
  assert.ok(p.map(req(dev, i++), sleep(1)) >= 0, 'the first throttled map takes the free semaphore');
  assert.equal(p.map(req(dev, i++), sleep(2)), MAP_BLOCKED, 'a second one waits');
  let results = 0;
  for (let r = p.map(req(dev, i++), atomic(3)); r !== -1; r = p.map(req(dev, i++), atomic(3))) {
    assert.ok(r >= 0, 'atomic maps succeed while the pool has room');
    results++;
  }
  assert.ok(results > 0);
  assert.equal(p.lastFailure?.code, 'no_space', 'then fail: never MAP_BLOCKED');
  assert.equal(p.stats(3).blocked, 1);
  assert.equal(p.throttleCounters().highThrottleCount, 2);
});

/** 96 submitters of 64 KiB sleepable maps (3 MiB wanted on a 4 MiB pool at 70 %), each held 5-15 rounds. */
function burst(p: SwiotlbPolicy, devs: Device[], used: () => number): { maxUsed: number; blocked: number } {
  const until = new Array<number>(96).fill(-1);
  const tlb = new Array<number>(96).fill(-1);
  let maxUsed = 0;
  let blocked = 0;
  for (let t = 0; t < 300; t++) {
    for (let k = 0; k < 96; k++) {
      const dev = devs[k % 4]!;
      if (tlb[k]! >= 0 && t >= until[k]!) {
        p.unmap(dev, tlb[k]!, SZ, DMA_TO_DEVICE, 0, sleep(t * 1000));
        tlb[k] = -1;
      } else if (tlb[k]! < 0 && t < 250) {
        const r = p.map(req(dev, k), sleep(t * 1000));
        if (r === MAP_BLOCKED) blocked++;
        else if (r >= 0) {
          tlb[k] = r;
          until[k] = t + 5 + ((k * 7) % 11);
        }
        maxUsed = Math.max(maxUsed, used());
      }
    }
  }
  return { maxUsed, blocked };
}

test('policy throttle: a sleepable burst stays near the threshold with no failures, where the fixed pool fails', () => {
  const { p, devs } = setup();
  const r = burst(p, devs, () => p.mem.totalUsed);
  const s = p.stats(300_000);
  assert.equal(s.mapFailures, 0, 'no I/O errors');
  assert.ok(r.blocked > 0 && s.blocked === r.blocked);
  // used > high_throttle is checked before a map: one unthrottled map may cross it, plus the one throttled holder.
  assert.ok(r.maxUsed <= 1433 + 2 * 32, `usage ${r.maxUsed} stays within two mappings of high_throttle`);
  assert.ok(r.maxUsed > 1433, 'and does reach it');
  assert.equal(s.inUseBytes, 0);
  const waits = p.waitStats();
  assert.equal(waits.length, 4);
  for (const w of waits) assert.ok(w.waits > 0 && w.totalWaitNs > 0 && w.maxWaitNs <= w.totalWaitNs, `${w.device} waited in simulated time`);
  assert.ok(p.throttleCounters().highThrottleCount > 0);
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting' });
  const fixed = createFixedPolicy(env(machine));
  burst(fixed, ['a', 'b', 'c', 'd'].map((name) => machine.addDevice({ name })), () => fixed.mem.totalUsed);
  assert.ok(fixed.stats(300_000).failuresByCode.no_space! > 0, 'the same burst overflows the fixed pool');
});

test('policy throttle: hysteresis (70 % / 65 %), the Snail/Cheetah case, and no barging past waiters', () => {
  const { p, devs } = setup();
  const [snail, cheetah, c, d] = devs as [Device, Device, Device, Device];
  const plain: number[] = [];
  for (let i = 0; i < 44; i++) plain.push(p.map(req(d, 100 + i), sleep(0))); // 1408 slots: between 1331 and 1433
  assert.ok(p.map(req(d, 200), sleep(1)) >= 0, 'above low with the semaphore free: not throttled');
  assert.deepEqual(p.throttleCounters().highThrottleCount + p.throttleCounters().lowThrottleCount, 0);
  const slow = p.map(req(snail, 1), sleep(2)); // 1440 > 1433: the snail takes the semaphore
  assert.ok(slow >= 0);
  assert.equal(p.map(req(c, 2), sleep(3)), MAP_BLOCKED, 'above high with the semaphore held');
  for (let k = 0; k < 4; k++) p.unmap(d, plain.pop()!, SZ, DMA_TO_DEVICE, 0, atomic(4)); // network unmaps: 1344
  assert.equal(p.map(req(cheetah, 3), sleep(5)), MAP_BLOCKED, 'the cheetah waits behind the snail below high');
  assert.deepEqual(p.throttleCounters(), { highThrottle: 1433, lowThrottle: 1331, highThrottleCount: 2, lowThrottleCount: 1 });
  p.unmap(d, plain.pop()!, SZ, DMA_TO_DEVICE, 0, atomic(6)); // 1312: below low
  assert.ok(p.map(req(d, 300), sleep(7)) >= 0, 'at or below low nobody is throttled, though the semaphore is held');
  assert.equal(p.map(req(c, 2), sleep(8)), MAP_BLOCKED, 'a waiter stays asleep in down() whatever the usage');
  p.unmap(snail, slow, SZ, DMA_TO_DEVICE, 0, sleep(100)); // up(): passed to the waiters; usage 1312
  assert.ok(p.map(req(d, 301), sleep(100)) >= 0, 'unthrottled at 1312');
  assert.equal(p.map(req(d, 400), sleep(100)), MAP_BLOCKED, 'a newcomer above low cannot barge past the waiters');
  const ct = p.map(req(cheetah, 3), sleep(101));
  assert.ok(ct >= 0, 'the first waiter to retry takes the semaphore');
  assert.equal(p.map(req(c, 2), sleep(102)), MAP_BLOCKED, 'the next waits for the cheetah');
  p.unmap(cheetah, ct, SZ, DMA_TO_DEVICE, 0, sleep(150));
  assert.ok(p.map(req(c, 2), sleep(160)) >= 0);
  const byDev = Object.fromEntries(p.waitStats().map((w) => [w.device, w]));
  assert.deepEqual(byDev.cheetah, { device: 'cheetah', blocked: 1, waits: 1, totalWaitNs: 96, maxWaitNs: 96 });
  assert.deepEqual(byDev.c, { device: 'c', blocked: 3, waits: 1, totalWaitNs: 157, maxWaitNs: 157 });
  assert.deepEqual(byDev.d, { device: 'd', blocked: 1, waits: 0, totalWaitNs: 0, maxWaitNs: 0 });
  assert.equal(p.stats(160).blocked, 5);
  assert.equal(p.throttleCounters().lowThrottleCount, 2);
});
