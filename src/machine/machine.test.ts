import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../util/errors.js';
import { createMachine } from './machine.js';
import { dmaBitMask } from './mask.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

test('createMachine: assembles map, memory, allocator and encryption from one options object', () => {
  const m = createMachine({
    ramBytes: 8 * GiB,
    holes: [{ start: 3 * GiB, size: GiB }],
    memory: 'accounting',
    cma: { size: 64 * MiB, limit: 4 * GiB },
    confidential: true,
  });
  assert.equal(m.map.highestRamAddress, 9 * GiB - 1);
  assert.equal(m.memory.mode, 'accounting');
  assert.equal(m.pages.cmaBase, 3 * GiB - 64 * MiB);
  assert.equal(m.encryption.enabled, true);
  assert.equal(m.pages.reserveTopDown(64 * MiB, 4096, 4 * GiB), 3 * GiB - 128 * MiB);
  assert.equal(m.counters().pages.pagesFree.normal, 5 * GiB / 4096);
});

test('createMachine: the defaults are a plain machine storing bytes, without CMA', () => {
  const m = createMachine({ ramBytes: 256 * MiB });
  assert.equal(m.memory.mode, 'bytes');
  assert.equal(m.pages.cmaBase, -1);
  assert.equal(m.encryption.enabled, false);
  m.memory.write(100, Uint8Array.of(1, 2, 3));
  assert.deepEqual(m.memory.read(100, 3), Uint8Array.of(1, 2, 3));
});

test('createMachine: addDevice registers devices by name and rejects a duplicate name', () => {
  const m = createMachine({ ramBytes: 256 * MiB });
  const nvme = m.addDevice({ name: '0000:00:04.0', dmaMask: dmaBitMask(64) });
  const old = m.addDevice({ name: 'isa', dmaMask: dmaBitMask(24) });
  assert.equal(m.device('0000:00:04.0'), nvme);
  assert.deepEqual(m.devices(), [nvme, old]);
  assert.throws(
    () => m.addDevice({ name: 'isa' }),
    (e: unknown) => e instanceof InputError && e.code === 'duplicate_device' && /'isa'/.test(e.message),
  );
  assert.throws(() => m.addDevice({ name: 'bad', dmaMask: 5 }), (e: unknown) => e instanceof InputError && e.code === 'bad_device');
  assert.equal(m.devices().length, 2);
});

test('createMachine: counters() is a JSON-serialisable snapshot of every count', () => {
  const m = createMachine({ ramBytes: 64 * MiB, confidential: true });
  const a = m.pages.alloc({ order: 2, maySleep: false });
  m.encryption.setShared(a, 4);
  m.memory.write(a, new Uint8Array(100));
  m.memory.copy(a + 200, a, 100);
  m.addDevice({ name: 'dev' });
  const before = m.counters();
  const c = JSON.parse(JSON.stringify(before)) as typeof before;
  assert.deepEqual(c, before);
  assert.equal(c.pages.allocations[2], 1);
  assert.equal(c.encryption.hypercalls, 1);
  assert.equal(c.memory.bytesCopied, 100);
  assert.equal(c.memory.bytesWritten, 100);
  assert.equal(c.devices, 1);
  m.pages.free(a, 2);
  assert.equal(before.pages.frees[2], 0, 'a snapshot does not change afterwards');
});

test('createMachine: bytes and accounting machines make identical decisions and counts', () => {
  const run = (memory: 'bytes' | 'accounting'): unknown => {
    const m = createMachine({ ramBytes: 64 * MiB, memory, cma: { size: 4 * MiB } });
    const out: number[] = [];
    for (let i = 0; i < 50; i++) {
      const a = m.pages.alloc({ order: i % 5, maySleep: i % 2 === 0 });
      out.push(a);
      m.memory.fill(a, 4096, i);
      m.memory.copy(a + 1, a, 4095);
    }
    const { memory: mem, ...rest } = m.counters();
    const { mode: _mode, chunksAllocated: _chunks, ...memCounts } = mem;
    return { out, rest, memCounts };
  };
  assert.deepEqual(run('accounting'), run('bytes'));
});

test('createMachine: bad options surface as InputError or RangeError, never a crash', () => {
  assert.throws(() => createMachine({ ramBytes: -1 }), InputError);
  assert.throws(() => createMachine({ ramBytes: 64 * MiB, memory: 'disk' as 'bytes' }), RangeError);
  assert.throws(() => createMachine({ ramBytes: 64 * MiB, chunkBytes: 1000 }), RangeError);
  assert.throws(() => createMachine({ ramBytes: 64 * MiB, cma: { size: 1 } }), InputError);
});
