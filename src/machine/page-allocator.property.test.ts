import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAddressMap } from './address-map.js';
import { MAX_ORDER, PAGE_SIZE } from './constants.js';
import type { ZoneName } from './gfp.js';
import { PageAllocator } from './page-allocator.js';

const MiB = 2 ** 20;
// Small on purpose, so that allocations fail: RAM 0-6 MiB + 8 KiB, a hole, then RAM up to
// 13 MiB - 8 KiB (unaligned edges); three zones; CMA lands in Normal.
const MAP = createAddressMap({
  ramBytes: 12 * MiB,
  holes: [{ start: 6 * MiB + 8192, size: MiB - 8192 }],
  zoneDmaEnd: 4 * MiB,
  zoneDma32End: 8 * MiB,
});
const ZONE_END: Record<ZoneName, number> = { dma: 4 * MiB, dma32: 8 * MiB, normal: Infinity };
const AREAS = ['dma', 'dma32', 'normal', 'cma'] as const;

interface Model {
  /** Live blocks: address and order. */
  live: Array<[number, number]>;
  /** Owner flag per page. */
  owned: Uint8Array;
}
type Real = PageAllocator;

class AllocCommand implements fc.Command<Model, Real> {
  constructor(
    readonly order: number,
    readonly zone: ZoneName,
    readonly maySleep: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  run(m: Model, pages: Real): void {
    const inCma = (a: number): boolean => a >= pages.cmaBase && a < pages.cmaBase + pages.cmaSize;
    const addr = pages.alloc({ order: this.order, zone: this.zone, maySleep: this.maySleep });
    const n = 2 ** this.order;
    if (addr < 0) {
      const zones = (['dma', 'dma32', 'normal'] as const).slice(0, ['dma', 'dma32', 'normal'].indexOf(this.zone) + 1);
      let free = zones.reduce((s, z) => s + pages.pagesFree(z), 0);
      if (this.maySleep && pages.cmaBase + pages.cmaSize <= ZONE_END[this.zone]) free += pages.pagesFree('cma');
      assert.equal(pages.lastFailure, free >= n ? 'fragmented' : 'no_memory');
      return;
    }
    assert.equal(addr % (n * PAGE_SIZE), 0, 'aligned to its order');
    assert.ok(MAP.isRam(addr, n * PAGE_SIZE), 'inside RAM');
    assert.ok(addr + n * PAGE_SIZE <= ZONE_END[this.zone], 'inside the allowed zones');
    if (!this.maySleep) assert.ok(!inCma(addr), 'atomic callers never get CMA');
    const first = addr / PAGE_SIZE;
    for (let p = first; p < first + n; p++) {
      assert.equal(m.owned[p], 0, `page ${p} handed out twice`);
      m.owned[p] = 1;
    }
    m.live.push([addr, this.order]);
  }
  toString(): string {
    return `alloc(${this.order}, ${this.zone}, ${this.maySleep})`;
  }
}

class FreeCommand implements fc.Command<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>): boolean {
    return m.live.length > 0;
  }
  run(m: Model, pages: Real): void {
    const i = this.pick % m.live.length;
    const [addr, order] = m.live[i]!;
    m.live.splice(i, 1);
    pages.free(addr, order);
    m.owned.fill(0, addr / PAGE_SIZE, addr / PAGE_SIZE + 2 ** order);
  }
  toString(): string {
    return `free(#${this.pick})`;
  }
}

const allocArb = fc
  .tuple(fc.oneof({ arbitrary: fc.nat(3), weight: 4 }, { arbitrary: fc.nat(MAX_ORDER), weight: 1 }), fc.constantFrom<ZoneName>('dma', 'dma32', 'normal'), fc.boolean())
  .map(([o, z, s]): fc.Command<Model, Real> => new AllocCommand(o, z, s));
const freeArb = fc.nat().map((p): fc.Command<Model, Real> => new FreeCommand(p));
// More allocations than frees, so memory fills up and both failure causes occur.
const commands = [fc.oneof({ arbitrary: allocArb, weight: 2 }, { arbitrary: freeArb, weight: 1 })];

test('PageAllocator: random alloc/free never hands out overlapping blocks, and freeing all restores full coalescing', () => {
  fc.assert(
    fc.property(fc.commands(commands, { maxCommands: 120, size: 'max' }), (cmds) => {
      const pages = new PageAllocator(MAP, { cma: { size: 4 * MiB } });
      const initial = AREAS.map((z) => pages.buddyInfo(z));
      const model: Model = { live: [], owned: new Uint8Array(MAP.ramEnd / PAGE_SIZE) };
      fc.modelRun(() => ({ model, real: pages }), cmds);
      for (const [addr, order] of model.live) pages.free(addr, order);
      assert.deepEqual(AREAS.map((z) => pages.buddyInfo(z)), initial);
      const c = pages.counters();
      assert.deepEqual(c.frees, c.allocations);
    }),
    { numRuns: 150 },
  );
});
