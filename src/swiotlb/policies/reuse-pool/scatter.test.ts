import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReusePoolPolicy, type ReusePoolPolicy } from './policy.js';
import { createMachine, type Machine } from '../../../machine/machine.js';
import type { Device } from '../../../machine/device.js';
import { createPrng } from '../../../machine/prng.js';
import { getProfile } from '../../profiles.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../../constants.js';
import { pattern } from '../conformance-sequence.case.js';

/**
 * The conformance sequence for a page-list design, with the real (scatter)
 * placement: the device reads and writes through segments(), overlap is
 * checked per page, and lookups are asked about every page's first and last
 * byte. A short decay (5 ms) makes pages come and go within the run.
 */
const ORIG_BASE = 0x4000_0000;
const ORIG_BYTES = 512 * 1024 * 1024;
const MS = 1e6;

interface Live {
  tlb: number;
  orig: number;
  size: number;
  dir: DmaDirection;
  dev: Device;
  device: Uint8Array;
}

function deviceWrite(machine: Machine, p: ReusePoolPolicy, m: Live, data: Uint8Array): void {
  let pos = 0;
  for (const g of p.segments(m.tlb)) {
    machine.memory.write(g.addr, data.subarray(pos, pos + g.len));
    pos += g.len;
  }
}

function deviceRead(machine: Machine, p: ReusePoolPolicy, m: Live): Uint8Array {
  const out = new Uint8Array(m.size);
  let pos = 0;
  for (const g of p.segments(m.tlb)) {
    out.set(machine.memory.read(g.addr, g.len), pos);
    pos += g.len;
  }
  return out;
}

function run(seed: number, confidential: boolean): { scattered: number; trims: number } {
  const machine = createMachine({ ramBytes: 2 * 1024 ** 3, memory: 'bytes', confidential });
  assert.ok(machine.pages.reserve(ORIG_BASE, ORIG_BYTES));
  const p = createReusePoolPolicy(
    { machine, profile: getProfile('6.12'), cpus: 2, poolBytes: 0, nareas: 1, forceBounce: true, confidential },
    { decayNs: 5 * MS, periodNs: 5 * MS, reserveBytes: (d) => (d.name === 'nvme' ? 256 * 1024 : 0) },
  );
  const devs = [machine.addDevice({ name: 'plain' }), machine.addDevice({ name: 'nvme', minAlignMask: 0xfff })];
  const rnd = createPrng(seed);
  const live: Live[] = [];
  let now = 0;
  let scattered = 0;
  let trims = 0;
  for (let step = 0; step < 400; step++) {
    now += 1000 + rnd.nextInt(100_000);
    const frees = p.stats(now).pageFrees;
    p.tick(now);
    if (p.stats(now).pageFrees > frees) trims++;
    const r = rnd.nextInt(10);
    if (r < 5 || live.length === 0) {
      const dev = devs[rnd.nextInt(2)]!;
      const size = 1 + rnd.nextInt(rnd.nextInt(4) === 0 ? 262144 : 16384);
      const orig = ORIG_BASE + step * 0x110000 + rnd.nextInt(4096);
      const data = pattern(size, seed * 1000 + step);
      machine.memory.write(orig, data);
      const dir = ([DMA_TO_DEVICE, DMA_FROM_DEVICE, DMA_BIDIRECTIONAL] as const)[rnd.nextInt(3)]!;
      const tlb = p.map({ dev, orig, size, allocAlignMask: 0, dir, attrs: 0 }, { cpu: 0, maySleep: rnd.nextInt(2) === 0, now });
      if (tlb < 0) {
        assert.equal(p.lastFailure?.code, 'would_block', 'only an atomic caller without cached pages fails');
        continue;
      }
      const m: Live = { tlb, orig, size, dir, dev, device: data };
      assert.equal(tlb % 4096, orig % 4096, 'the in-page offset is kept');
      assert.deepEqual(deviceRead(machine, p, m), data, 'the map copied the original into the pages');
      const pages = p.segments(tlb).map((g) => g.addr - (g.addr % 4096));
      if (pages.some((a, i) => i > 0 && a !== pages[i - 1]! + 4096)) scattered++;
      live.push(m);
    } else if (r < 7) {
      const m = live[rnd.nextInt(live.length)]!;
      m.device = pattern(m.size, step + 7);
      deviceWrite(machine, p, m, m.device);
      if (m.dir !== DMA_TO_DEVICE) {
        p.syncForCpu(m.dev, m.tlb, m.size, m.dir);
        assert.deepEqual(machine.memory.read(m.orig, m.size), m.device, 'sync for cpu copied back page by page');
      }
    } else {
      const m = live.splice(rnd.nextInt(live.length), 1)[0]!;
      p.unmap(m.dev, m.tlb, m.size, m.dir, 0, { cpu: 0, maySleep: false, now });
      if (m.dir !== DMA_TO_DEVICE) assert.deepEqual(machine.memory.read(m.orig, m.size), m.device, 'unmap copied back');
      assert.equal(p.isBounceBuffer(m.dev, m.tlb), false, 'an unmapped buffer is no longer a bounce buffer');
      assert.equal(p.isBounceBuffer(m.dev, m.orig), false);
    }
    const owner = new Map<number, number>();
    let inUse = 0;
    for (const m of live) {
      for (const g of p.segments(m.tlb)) {
        const page = g.addr - (g.addr % 4096);
        assert.ok(!owner.has(page) || owner.get(page) === m.tlb, 'no page belongs to two live mappings');
        if (!owner.has(page)) inUse++;
        owner.set(page, m.tlb);
        assert.ok(p.isBounceBuffer(m.dev, g.addr) && p.isBounceBuffer(m.dev, g.addr + g.len - 1), 'lookup finds every page');
      }
    }
    const s = p.stats(now);
    assert.equal(s.inUseBytes, inUse * 4096);
    assert.ok(s.reservedBytes >= s.inUseBytes);
    if (confidential) assert.equal(machine.encryption.sharedPages * 4096, s.reservedBytes, 'every held page is shared, no other');
  }
  for (const m of live) p.unmap(m.dev, m.tlb, m.size, m.dir, 0, { cpu: 0, maySleep: true, now });
  now += 20 * MS;
  p.tick(now);
  const s = p.stats(now);
  assert.equal(s.inUseBytes, 0);
  assert.equal(s.reservedBytes, 64 * 4096, 'idle pages decayed down to the nvme reserve');
  assert.equal(s.pageAllocs - s.pageFrees, 64);
  assert.equal(s.maps, s.unmaps + s.mapFailures);
  return { scattered, trims };
}

test('policy reuse-pool (scatter): bytes round-trip through page lists, no shared page, exact lookup, decay to the reserve', () => {
  let scattered = 0;
  let trims = 0;
  for (let seed = 1; seed <= 4; seed++) {
    const r = run(seed, seed % 2 === 0);
    scattered += r.scattered;
    trims += r.trims;
  }
  assert.ok(scattered > 0, 'some mappings really are non-contiguous');
  assert.ok(trims > 0, 'the decay ran during the sequences');
});
