import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDevice } from '../../machine/device.js';
import { createPrng } from '../../machine/prng.js';
import { LOOKUP_KINDS, createLookup } from './create-lookup.js';

const devs = [createDevice({ name: 'a' }), createDevice({ name: 'b' }), createDevice({ name: 'c' })];

for (const kind of LOOKUP_KINDS) {
  test(`createLookup('${kind}'): random insert/find/remove agrees with a brute-force reference`, () => {
    const rnd = createPrng(7);
    const l = createLookup<number>(kind);
    const ref: { dev: number; start: number; end: number; id: number }[] = [];
    let id = 0;
    const owned = kind !== 'range'; // range ignores owners: every range is everyone's
    for (let step = 0; step < 3000; step++) {
      const r = rnd.nextInt(10);
      if (r < 4 || ref.length === 0) {
        // Non-overlapping: slot k of 4 KiB pages, sizes up to 16 KiB inside a 64 KiB cell.
        const cell = rnd.nextInt(4096);
        if (ref.some((e) => e.start === cell * 0x10000)) continue;
        const dev = rnd.nextInt(3);
        const start = cell * 0x10000;
        const end = start + 0x1000 * (1 + rnd.nextInt(4));
        l.insert(devs[dev]!, start, end, id);
        ref.push({ dev, start, end, id: id++ });
      } else if (r < 8) {
        const e = ref[rnd.nextInt(ref.length)]!;
        const dev = rnd.nextInt(3);
        const addr = rnd.nextInt(2) === 0 ? e.start + rnd.nextInt(e.end - e.start) : e.end;
        const want = ref.find((x) => addr >= x.start && addr < x.end && (!owned || x.dev === dev));
        assert.equal(l.find(devs[dev]!, addr), want === undefined ? null : want.id, `${kind} step ${step}`);
      } else {
        const k = rnd.nextInt(ref.length);
        const e = ref[k]!;
        assert.equal(l.remove(devs[e.dev]!, e.start + rnd.nextInt(e.end - e.start)), e.id);
        ref.splice(k, 1);
      }
      assert.equal(l.size, ref.length);
    }
    const c = l.counters;
    assert.ok(c.lookups > 0 && c.nodesVisited > 0 && c.inserts === id && c.removes === id - ref.length);
  });
}

test('createLookup() rejects an unknown kind with the accepted names', () => {
  assert.throws(() => createLookup('hash' as never), /expected one of range, mru-list, tree, per-device-pools/);
});

test('createLookup() strategies refuse an empty range', () => {
  for (const kind of LOOKUP_KINDS) {
    assert.throws(() => createLookup<number>(kind).insert(devs[0]!, 0x1000, 0x1000, 1), { code: 'lookup_bad_range' });
  }
});
