import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMachine } from '../../machine/machine.js';
import { createFixedPolicy } from '../../swiotlb/policies/fixed/policy.js';
import { createMruListPolicy } from '../../swiotlb/policies/mru-list/policy.js';
import { getProfile } from '../../swiotlb/profiles.js';
import { DMA_TO_DEVICE } from '../../swiotlb/constants.js';
import { takeSlotMap } from './slot-map.js';

function fixed(poolBytes: number) {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting' });
  const p = createFixedPolicy({ machine, profile: getProfile('6.12'), cpus: 1, poolBytes, nareas: 1, forceBounce: true, confidential: false });
  const dev = machine.addDevice({ name: 'nvme0', dmaMask: 2 ** 32 - 1 });
  return { machine, p, dev };
}

test('slot map: held slots, free runs split at segment ends, and the longest run, on a pool with holes', () => {
  // 256 slots = 2 segments. Map 64 slots four times (two per segment), then unmap the second and the fourth.
  const { p, dev } = fixed(256 * 2048);
  const tlb: number[] = [];
  for (let i = 0; i < 4; i++) tlb.push(p.map({ dev, orig: 0x1000_0000 + i * 0x2_0000, size: 64 * 2048, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, { cpu: 0, maySleep: false, now: 0 }));
  assert.ok(tlb.every((t) => t >= 0));
  p.unmap(dev, tlb[1]!, 64 * 2048, DMA_TO_DEVICE, 0, { cpu: 0, maySleep: false, now: 0 });
  p.unmap(dev, tlb[3]!, 64 * 2048, DMA_TO_DEVICE, 0, { cpu: 0, maySleep: false, now: 0 });
  const m = takeSlotMap(p, 5, 'end of run');
  assert.ok(m !== null);
  assert.equal(m.nslabs, 256);
  assert.equal(m.bucketSlots, 1);
  assert.equal(m.usedSlots, 128);
  // Free: slots 64..127 (segment 0 tail) and 192..255 (segment 1 tail): two runs of 64.
  assert.equal(m.freeRuns, 2);
  assert.equal(m.longestFreeRun, 64);
  assert.deepEqual(m.used.slice(62, 66), [1, 1, 0, 0]);
  assert.equal(m.used.reduce((a, b) => a + b, 0), 128);
});

test('slot map: a big pool is bucketed to at most 1024 cells holding the fraction held', () => {
  const { p, dev } = fixed(64 << 20); // 32768 slots: 32 per cell
  assert.ok(p.map({ dev, orig: 0x1000_0000, size: 16 * 2048, allocAlignMask: 0, dir: DMA_TO_DEVICE, attrs: 0 }, { cpu: 0, maySleep: false, now: 0 }) >= 0);
  const m = takeSlotMap(p, 0, 'end of run')!;
  assert.equal(m.used.length, 1024);
  assert.equal(m.bucketSlots, 32);
  assert.equal(m.used[0], 0.5);
  assert.equal(m.longestFreeRun, 128);
});

test('slot map: a design that exposes no slot pools gives none', () => {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'accounting' });
  const p = createMruListPolicy({ machine, profile: getProfile('6.12'), cpus: 1, poolBytes: 1 << 20, nareas: 1, forceBounce: true, confidential: false });
  assert.equal(takeSlotMap(p, 0, 'end of run'), null);
});
