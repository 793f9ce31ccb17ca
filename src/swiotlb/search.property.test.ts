import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createDevice } from '../machine/device.js';
import { MASK_ALL } from '../machine/mask.js';
import { PROFILES } from './profiles.js';
import { createIoTlbMem, type IoTlbMem } from './io-tlb-mem.js';
import { swiotlbTblMapSingle, swiotlbReleaseSlots } from './map-single.js';
import { checkPoolInvariants } from './invariants.js';
import { DMA_TO_DEVICE, IO_TLB_SIZE } from './constants.js';

// One scenario: a pool shape, a device, and a sequence of maps and unmaps.
const scenario = fc.record({
  segsPerArea: fc.integer({ min: 1, max: 6 }),
  nareasLog: fc.integer({ min: 0, max: 2 }),
  startSlots: fc.integer({ min: 0, max: 4095 }),
  pageAligned: fc.boolean(),
  minAlignMask: fc.constantFrom(0, 0, 0x7ff, 0xfff, 0x1fff, 0x3fff),
  boundary: fc.constantFrom(MASK_ALL, MASK_ALL, 0xffffffff, 0x1ffff, 0xffff, 0x7fff),
  ops: fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('map' as const), size: fc.oneof(fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 1, max: 266000 })), orig: fc.integer({ min: 1, max: 2 ** 40 }), aa: fc.constantFrom(0, 0, 0, 0xfff, 0x1fff, 0x3fff), cpu: fc.integer({ min: 0, max: 7 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('unmap' as const), pick: fc.nat() }) },
    ),
    { minLength: 1, maxLength: 80, size: 'max' },
  ),
});

export const stats = { maps: 0, fails: 0, livelocks: 0, frag: 0, steps: 0 };
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function run(profileName: string, s: Scenario): void {
  const profile = PROFILES.get(profileName)!;
  const nareas = 1 << s.nareasLog;
  const nslabs = s.segsPerArea * 128 * nareas;
  const start = (s.pageAligned ? s.startSlots * 2 : s.startSlots) * IO_TLB_SIZE + 0x40000000;
  const dev = createDevice({ name: 'd', minAlignMask: s.minAlignMask, segmentBoundaryMask: s.boundary });
  const mk = (impl: 'fast' | 'scan'): IoTlbMem => createIoTlbMem({ profile, start, nslabs, nareas, searchImpl: impl });
  const fast = mk('fast');
  const scan = mk('scan');
  const live: { tlb: number; first: number; n: number }[] = [];
  const held = new Uint8Array(Math.ceil(nslabs / 128) * 128);
  for (const op of s.ops) {
    if (op.kind === 'map') {
      const size = op.size;
      const a = swiotlbTblMapSingle(fast, dev, op.cpu, op.orig, size, size, op.aa, DMA_TO_DEVICE, 0);
      const b = swiotlbTblMapSingle(scan, dev, op.cpu, op.orig, size, size, op.aa, DMA_TO_DEVICE, 0);
      assert.equal(a, b, `${profileName}: map of ${size} from 0x${op.orig.toString(16)} aa 0x${op.aa.toString(16)} cpu ${op.cpu}`);
      assert.equal(fast.counters.searchSteps, scan.counters.searchSteps, `${profileName}: step counts differ`);
      assert.equal(fast.lastFailure?.code, scan.lastFailure?.code);
      if (a >= 0) {
        const p = fast.pools[0]!;
        const off = (a % IO_TLB_SIZE) & dev.minAlignMask;
        let first = (a - off - start) / IO_TLB_SIZE;
        if (profile.padSlots) first -= p.padSlots[first]!;
        const n = Math.ceil((p.allocSize[first]! + off) / IO_TLB_SIZE);
        for (let i = first; i < first + n; i++) {
          assert.equal(held[i], 0, `${profileName}: slot ${i} handed out twice`);
          held[i] = 1;
        }
        assert.ok(a >= start && a + size <= start + nslabs * IO_TLB_SIZE + IO_TLB_SIZE, 'bounce buffer inside the pool');
        assert.equal(a % IO_TLB_SIZE, op.orig % IO_TLB_SIZE & dev.minAlignMask & 0x7ff, 'min_align_mask bits preserved');
        live.push({ tlb: a, first, n });
      }
    } else if (live.length > 0) {
      const [m] = live.splice(op.pick % live.length, 1);
      const na = swiotlbReleaseSlots(fast, dev, m!.tlb);
      const nb = swiotlbReleaseSlots(scan, dev, m!.tlb);
      assert.equal(na, m!.n);
      assert.equal(nb, m!.n);
      for (let i = m!.first; i < m!.first + m!.n; i++) held[i] = 0;
    }
  }
  stats.maps += fast.counters.maps; stats.fails += fast.counters.mapFailures; stats.livelocks += fast.counters.livelocks; stats.frag += fast.lastFailure?.code === 'fragmented' ? 1 : 0; stats.steps += fast.counters.searchSteps;
  const pf = fast.pools[0]!;
  const ps = scan.pools[0]!;
  assert.deepEqual(pf.bits, ps.bits);
  assert.deepEqual(pf.areaIndex, ps.areaIndex);
  assert.deepEqual(pf.areaUsed, ps.areaUsed);
  assert.deepEqual(checkPoolInvariants(pf, held), []);
  assert.deepEqual(checkPoolInvariants(ps, held), []);
}

for (const name of PROFILES.keys()) {
  test(`slot search ${name}: fast search equals the reference scan and keeps every invariant`, () => {
    fc.assert(
      fc.property(scenario, (s) => run(name, s)),
      { numRuns: 10000, seed: 0x5eed + name.length },
    );
    if (process.env.SEARCH_STATS) console.log(name, JSON.stringify(stats));
  });
}
