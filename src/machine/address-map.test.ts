import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../util/errors.js';
import { createAddressMap, ZONE_DMA, ZONE_DMA32, ZONE_NORMAL } from './address-map.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test('AddressMap: zoneOf puts 16 MiB and 4 GiB on the right side of the boundaries', () => {
  const map = createAddressMap({ ramBytes: 8 * GiB });
  assert.equal(map.zoneOf(0), ZONE_DMA);
  assert.equal(map.zoneOf(16 * MiB - 1), ZONE_DMA);
  assert.equal(map.zoneOf(16 * MiB), ZONE_DMA32);
  assert.equal(map.zoneOf(4 * GiB - 1), ZONE_DMA32);
  assert.equal(map.zoneOf(4 * GiB), ZONE_NORMAL);
  assert.equal(map.zoneOf(8 * GiB - 1), ZONE_NORMAL);
  assert.deepEqual(map.ramRanges(ZONE_DMA), [{ start: 0, end: 16 * MiB }]);
  assert.deepEqual(map.ramRanges(ZONE_DMA32), [{ start: 16 * MiB, end: 4 * GiB }]);
  assert.deepEqual(map.ramRanges(ZONE_NORMAL), [{ start: 4 * GiB, end: 8 * GiB }]);
  assert.equal(map.highestRamAddress, 8 * GiB - 1);
});

test('AddressMap: zone limits are configurable and a zone may be empty', () => {
  const map = createAddressMap({ ramBytes: 2 * GiB, zoneDmaEnd: 1 * GiB, zoneDma32End: 1 * GiB });
  assert.equal(map.zoneOf(1 * GiB - 1), ZONE_DMA);
  assert.equal(map.zoneOf(1 * GiB), ZONE_NORMAL);
  assert.deepEqual(map.ramRanges(ZONE_DMA32), []);
  assert.equal(map.zoneRamBytes(ZONE_DMA), 1 * GiB);
  assert.equal(map.zoneRamBytes(ZONE_NORMAL), 1 * GiB);
  const small = createAddressMap({ ramBytes: 512 * MiB });
  assert.deepEqual(small.ramRanges(ZONE_NORMAL), []);
});

test('AddressMap: RAM is placed around the PCI hole, so RAM bytes are preserved', () => {
  const map = createAddressMap({ ramBytes: 8 * GiB, holes: [{ start: 3 * GiB, size: 1 * GiB }] });
  assert.deepEqual(map.ranges, [
    { start: 0, end: 3 * GiB },
    { start: 4 * GiB, end: 9 * GiB },
  ]);
  assert.equal(map.highestRamAddress, 9 * GiB - 1);
  assert.equal(map.ramEnd, 9 * GiB);
  assert.equal(map.isRam(3 * GiB - 4096, 4096), true);
  assert.equal(map.isRam(3 * GiB - 4096, 4097), false, 'a range running into the hole is not RAM');
  assert.equal(map.isRam(3 * GiB, 1), false);
  assert.equal(map.isRam(4 * GiB, 1), true);
  assert.equal(map.isRam(9 * GiB - 1, 1), true);
  assert.equal(map.isRam(9 * GiB, 1), false);
  assert.equal(map.isRam(-1, 1), false);
  assert.deepEqual(map.ramRanges(ZONE_DMA32), [{ start: 16 * MiB, end: 3 * GiB }]);
});

test('AddressMap: a hole at 0 models RAM that starts high, and 64 GiB is supported', () => {
  const map = createAddressMap({ ramBytes: 64 * GiB, holes: [{ start: 0, size: 2 * GiB }] });
  assert.deepEqual(map.ranges, [{ start: 2 * GiB, end: 66 * GiB }]);
  assert.deepEqual(map.ramRanges(ZONE_DMA), []);
  assert.equal(map.isRam(0, 1), false);
  assert.equal(map.highestRamAddress, 66 * GiB - 1);
});

test('AddressMap: rejects unusable options with InputError bad_address_map', () => {
  const cases: Array<[Parameters<typeof createAddressMap>[0], RegExp]> = [
    [{ ramBytes: 1000 }, /ramBytes must be a positive multiple of 4096: current value is 1000/],
    [{ ramBytes: 0 }, /ramBytes/],
    [{ ramBytes: GiB, holes: [{ start: 100, size: 4096 }] }, /holes\[0\]\.start/],
    [{ ramBytes: GiB, holes: [{ start: 0, size: 8192 }, { start: 4096, size: 4096 }] }, /overlap/],
    [{ ramBytes: GiB, zoneDmaEnd: 5 * MiB }, /zoneDmaEnd must be a multiple of 4194304/],
    [{ ramBytes: GiB, zoneDmaEnd: 8 * GiB }, /above zoneDma32End/],
    [{ ramBytes: 2 ** 41 }, /above the model's limit/],
  ];
  for (const [opts, msg] of cases) {
    assert.throws(
      () => createAddressMap(opts),
      (e: unknown) => e instanceof InputError && e.code === 'bad_address_map' && msg.test(e.message),
      msg.source,
    );
  }
});
