import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { createAddressMap } from './address-map.js';
import { PhysMemory } from './phys-memory.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const CHUNK = 4096;

function pattern(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

test('PhysMemory: bytes round-trip across chunk boundaries and above 4 GiB', () => {
  const map = createAddressMap({ ramBytes: 8 * GiB });
  const mem = new PhysMemory(map, 'bytes');
  const data = pattern(3 * MiB + 123, 5);
  for (const addr of [MiB - 17, 4 * GiB - MiB - 5, 6 * GiB + 99]) {
    mem.write(addr, data);
    assert.deepEqual(mem.read(addr, data.length), data);
    const into = new Uint8Array(data.length).fill(0xee);
    mem.readInto(addr, into);
    assert.deepEqual(into, data);
  }
  assert.ok(mem.chunksAllocated <= 15, 'only touched chunks are allocated');
});

test('PhysMemory: never-written memory reads as zero, also next to written bytes', () => {
  const map = createAddressMap({ ramBytes: 64 * MiB });
  const mem = new PhysMemory(map, 'bytes', CHUNK);
  mem.write(CHUNK - 2, Uint8Array.of(1, 2, 3, 4));
  assert.deepEqual(mem.read(CHUNK - 4, 8), Uint8Array.of(0, 0, 1, 2, 3, 4, 0, 0));
  const stale = new Uint8Array(16).fill(9);
  mem.readInto(10 * CHUNK, stale);
  assert.deepEqual(stale, new Uint8Array(16));
});

test('PhysMemory: copy has memmove semantics for overlap in both directions across chunks', () => {
  const map = createAddressMap({ ramBytes: 1 * MiB });
  fc.assert(
    fc.property(fc.nat(6 * CHUNK), fc.nat(6 * CHUNK), fc.nat(5 * CHUNK), (src, dst, len) => {
      const mem = new PhysMemory(map, 'bytes', CHUNK);
      const ref = pattern(12 * CHUNK, 3);
      // Leave one chunk never written so copies from and to absent chunks are covered.
      ref.fill(0, 8 * CHUNK, 9 * CHUNK);
      mem.write(0, ref.subarray(0, 8 * CHUNK));
      mem.write(9 * CHUNK, ref.subarray(9 * CHUNK));
      ref.copyWithin(dst, src, src + len);
      mem.copy(dst, src, len);
      assert.deepEqual(mem.read(0, 12 * CHUNK), ref);
    }),
    { numRuns: 150 },
  );
});

test('PhysMemory: overlapping copy by one byte forwards and backwards', () => {
  const map = createAddressMap({ ramBytes: 1 * MiB });
  const mem = new PhysMemory(map, 'bytes', CHUNK);
  const data = pattern(3 * CHUNK, 1);
  mem.write(CHUNK - 100, data);
  mem.copy(CHUNK - 99, CHUNK - 100, 3 * CHUNK);
  const up = new Uint8Array(3 * CHUNK + 1);
  up.set(data.subarray(0, 1), 0);
  up.set(data, 1);
  assert.deepEqual(mem.read(CHUNK - 100, 3 * CHUNK + 1), up);
  mem.copy(CHUNK - 100, CHUNK - 99, 3 * CHUNK);
  assert.deepEqual(mem.read(CHUNK - 100, 3 * CHUNK), data);
});

test('PhysMemory: fill sets bytes and fill with zero allocates nothing on fresh memory', () => {
  const map = createAddressMap({ ramBytes: 16 * MiB });
  const mem = new PhysMemory(map, 'bytes', CHUNK);
  mem.fill(0, 8 * CHUNK, 0);
  assert.equal(mem.chunksAllocated, 0);
  mem.fill(CHUNK - 1, 2, 0xab);
  assert.deepEqual(mem.read(CHUNK - 2, 4), Uint8Array.of(0, 0xab, 0xab, 0));
  assert.equal(mem.bytesWritten, 8 * CHUNK + 2);
  assert.throws(() => mem.fill(0, 1, 256), RangeError);
});

test('PhysMemory: accounting mode stores nothing, reads zero, and counts like bytes mode', () => {
  const map = createAddressMap({ ramBytes: 16 * MiB });
  const modes = (['bytes', 'accounting'] as const).map((mode) => new PhysMemory(map, mode, CHUNK));
  for (const mem of modes) {
    mem.write(100, pattern(10000, 2));
    mem.fill(50000, 300, 7);
    mem.copy(200000, 100, 10000);
    mem.copy(200001, 200000, 5000);
  }
  const [bytes, acct] = modes as [PhysMemory, PhysMemory];
  assert.equal(acct.chunksAllocated, 0);
  const { mode: _b, chunksAllocated: _c1, ...countsBytes } = bytes.counters();
  const { mode: _a, chunksAllocated: _c2, ...countsAcct } = acct.counters();
  assert.deepEqual(countsAcct, countsBytes);
  assert.equal(acct.bytesCopied, 15000);
  assert.equal(acct.copies, 2);
  assert.equal(acct.bytesWritten, 10300);
  assert.deepEqual(acct.read(100, 64), new Uint8Array(64));
  assert.notDeepEqual(bytes.read(100, 64), new Uint8Array(64));
});

test('PhysMemory: checksum is zlib crc32 of the bytes, the same in both modes for unwritten memory', () => {
  const map = createAddressMap({ ramBytes: 16 * MiB });
  const bytes = new PhysMemory(map, 'bytes', CHUNK);
  const acct = new PhysMemory(map, 'accounting', CHUNK);
  const data = pattern(3 * CHUNK + 7, 9);
  bytes.write(CHUNK - 3, data);
  assert.equal(bytes.checksum(CHUNK - 3, data.length), crc32(data));
  assert.equal(bytes.checksum(5 * MiB, 200000), crc32(new Uint8Array(200000)));
  assert.equal(acct.checksum(5 * MiB, 200000), bytes.checksum(5 * MiB, 200000));
});

test('PhysMemory: accesses outside RAM throw RangeError naming the address in hex', () => {
  const map = createAddressMap({ ramBytes: 16 * MiB, holes: [{ start: 8 * MiB, size: 4 * MiB }] });
  for (const mode of ['bytes', 'accounting'] as const) {
    const mem = new PhysMemory(map, mode);
    assert.throws(() => mem.read(20 * MiB, 1), /Cannot read 1 bytes at 0x1400000/);
    assert.throws(() => mem.write(8 * MiB - 2, Uint8Array.of(1, 2, 3)), { name: 'RangeError', message: /0x7ffffe/ });
    assert.throws(() => mem.copy(9 * MiB, 0, 16), /Cannot copy to 16 bytes at 0x900000/);
    assert.throws(() => mem.copy(0, 9 * MiB, 16), /Cannot copy from/);
    assert.throws(() => mem.checksum(-4096, 1), RangeError);
    assert.throws(() => mem.read(1.5, 1), RangeError);
    assert.equal(mem.bytesCopied, 0, 'failed operations count nothing');
  }
});
