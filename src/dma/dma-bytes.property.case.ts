/**
 * Model-based property test over real bytes: random map, device write, sync
 * and unmap sequences through dma-direct and the fixed pool, checking that
 * every byte arrives where the kernel would put it and the pool invariants hold.
 *
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createMachine } from '../machine/machine.js';
import type { PhysMemory } from '../machine/phys-memory.js';
import { PROFILES } from '../swiotlb/profiles.js';
import { createIoTlbMem } from '../swiotlb/io-tlb-mem.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, IO_TLB_SIZE, type DmaDirection } from '../swiotlb/constants.js';
import { createDmaContext } from './dma-context.js';
import { FixedPolicy } from '../swiotlb/policies/fixed/policy.js';
import { dmaDirectMapPage, dmaDirectUnmapPage, dmaDirectSyncSingleForCpu, dmaDirectSyncSingleForDevice, DMA_MAPPING_ERROR } from './dma-direct.js';
import { checkPoolInvariants } from '../swiotlb/invariants.js';

// Byte-mode model test: a shadow of what the CPU and the device each see must
// equal simulated memory after every step, for random map/sync/unmap sequences.

const ORIG_BASE = 0x100000;
const SLOT_BYTES = 72 * 1024; // each original buffer gets its own region

const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('map' as const), size: fc.integer({ min: 1, max: 66000 }), sub: fc.integer({ min: 0, max: 4095 }), dir: fc.constantFrom(0, 1, 2), seed: fc.nat(255), cpu: fc.nat(3) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('devwrite' as const), pick: fc.nat(), a: fc.nat(), b: fc.nat(), seed: fc.nat(255) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('sync' as const), pick: fc.nat(), a: fc.nat(), b: fc.nat(), forCpu: fc.boolean(), seed: fc.nat(255) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('unmap' as const), pick: fc.nat() }) },
);
const scenario = fc.record({ minAlign: fc.constantFrom(0, 0xfff, 0x7ff), nslabs: fc.constantFrom(256, 512, 1024), ops: fc.array(op, { minLength: 1, maxLength: 30, size: 'max' }) });

const scratch = new Uint8Array(32 * SLOT_BYTES);

/** Memory at [addr, addr + expected.length) equals `expected`: compared natively, deepEqual only for the message. */
function sameBytes(memory: PhysMemory, addr: number, expected: Uint8Array, message: string): void {
  const actual = scratch.subarray(0, expected.length);
  memory.readInto(addr, actual);
  if (Buffer.compare(actual, expected) !== 0) assert.deepEqual(actual, expected, message);
}

/** Pseudo-random bytes, made once; each pattern is a window into them (never written through). */
const NOISE = (() => {
  const a = new Uint8Array(2 * 65536 + 70000);
  let x = 2654435761;
  for (let i = 0; i < a.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    a[i] = x >>> 24;
  }
  return a;
})();

function pattern(len: number, seed: number): Uint8Array {
  const from = (seed * 2654435761) % 131072;
  return NOISE.subarray(from, from + len);
}

interface Live {
  dma: number;
  orig: number;
  size: number;
  dir: DmaDirection;
  region: number;
  device: Uint8Array; // what the device sees in the bounce buffer
}

function run(profileName: string, s: typeof scenario extends fc.Arbitrary<infer T> ? T : never): void {
  const profile = PROFILES.get(profileName)!;
  const machine = createMachine({ ramBytes: 16 * 1024 * 1024, memory: 'bytes', chunkBytes: 64 * 1024 });
  const start = machine.pages.reserveTopDown(s.nslabs * IO_TLB_SIZE, 4096, 0xffffffff);
  assert.ok(start > 0);
  const mem = createIoTlbMem({ profile, start, nslabs: s.nslabs, nareas: 2, forceBounce: true, memory: machine.memory });
  const ctx = createDmaContext(new FixedPolicy(mem, machine), true);
  const dev = machine.addDevice({ name: 'dev', minAlignMask: s.minAlign });
  const cpuView = new Uint8Array(32 * SLOT_BYTES); // shadow of the originals region
  const live: Live[] = [];
  const freeRegions = Array.from({ length: 32 }, (_, i) => i);
  const sub = (l: Live, a: number, b: number) => {
    // a sub-range whose start keeps the in-slot offset check of every version happy
    const from = Math.min(a % l.size, l.size - 1);
    const off = l.dma % IO_TLB_SIZE;
    let start = from;
    if (!profile.bounceSignedOffset && (l.dma + start) % IO_TLB_SIZE < off) {
      // Before 6.9 the kernel refuses a sync starting in the first `off` bytes of a later slot.
      start = start - ((l.dma + start) % IO_TLB_SIZE) + off;
      if (start >= l.size) start = 0;
    }
    const len = 1 + (b % (l.size - start));
    return [start, len] as const;
  };
  for (const o of s.ops) {
    if (o.t === 'map') {
      const region = freeRegions.shift();
      if (region === undefined) continue;
      const orig = ORIG_BASE + region * SLOT_BYTES + o.sub;
      const data = pattern(o.size, o.seed);
      machine.memory.write(orig, data);
      cpuView.set(data, region * SLOT_BYTES + o.sub);
      const dma = dmaDirectMapPage(ctx, dev, o.cpu, orig, o.size, o.dir as DmaDirection, 0);
      if (dma === DMA_MAPPING_ERROR) {
        freeRegions.push(region);
        continue;
      }
      assert.equal(dma % IO_TLB_SIZE, orig & s.minAlign & 0x7ff);
      // The map always copies the original into the bounce buffer.
      sameBytes(machine.memory, dma, data, 'map copied the original');
      live.push({ dma, orig, size: o.size, dir: o.dir as DmaDirection, region, device: data.slice() });
    } else if (live.length > 0) {
      const l = live[o.pick % live.length]!;
      const base = l.region * SLOT_BYTES + (l.orig - ORIG_BASE - l.region * SLOT_BYTES);
      if (o.t === 'devwrite') {
        const [st, len] = sub(l, o.a, o.b);
        const data = pattern(len, o.seed + 7);
        machine.memory.write(l.dma + st, data);
        l.device.set(data, st);
      } else if (o.t === 'sync') {
        const [st, len] = sub(l, o.a, o.b);
        if (o.forCpu) {
          dmaDirectSyncSingleForCpu(ctx, dev, l.dma + st, len, l.dir);
          if (l.dir !== DMA_TO_DEVICE) cpuView.set(l.device.subarray(st, st + len), base + st);
        } else {
          const data = pattern(len, o.seed + 3);
          machine.memory.write(l.orig + st, data);
          cpuView.set(data, base + st);
          dmaDirectSyncSingleForDevice(ctx, dev, l.dma + st, len, l.dir);
          if (l.dir !== DMA_FROM_DEVICE) l.device.set(data, st);
        }
      } else {
        live.splice(live.indexOf(l), 1);
        dmaDirectUnmapPage(ctx, dev, l.dma, l.size, l.dir, 0);
        if (l.dir === DMA_FROM_DEVICE || l.dir === DMA_BIDIRECTIONAL) cpuView.set(l.device, base);
        freeRegions.push(l.region);
      }
      for (const m of live) sameBytes(machine.memory, m.dma, m.device, 'device view of a live mapping');
    }
  }
  sameBytes(machine.memory, ORIG_BASE, cpuView, 'every original byte is where the kernel would put it');
  const held = new Uint8Array(s.nslabs);
  for (const m of live) {
    const off = m.dma % IO_TLB_SIZE & s.minAlign;
    let first = (m.dma - off - start) / IO_TLB_SIZE;
    if (profile.padSlots) first -= mem.pools[0]!.padSlots[first]!;
    const n = Math.ceil((mem.pools[0]!.allocSize[first]! + off) / IO_TLB_SIZE);
    for (let i = first; i < first + n; i++) held[i] = 1;
  }
  assert.deepEqual(checkPoolInvariants(mem.pools[0]!, held), []);
}

/**
 * Register the byte-mode property test for every third kernel profile (the
 * suite is split over three files so the test runner spreads them over cores).
 *
 * @param part - 0, 1 or 2: the profiles whose index modulo 3 is `part`.
 * @returns Nothing; tests are registered with node:test.
 * @remarks Context: test files only. 10,000 sequences per profile.
 */
export function bytesPropertyTests(part: number): void {
  [...PROFILES.keys()].forEach((name, i) => {
    if (i % 3 !== part) return;
    test(`dma-direct over real bytes ${name}: every byte arrives where the kernel would put it (10,000 sequences)`, () => {
      fc.assert(fc.property(scenario, (s) => run(name, s)), { numRuns: 10000, seed: 0xb17e5 + name.length, endOnFailure: true });
    });
  });
}
