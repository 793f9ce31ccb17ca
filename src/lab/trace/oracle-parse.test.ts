import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MASK_ALL } from '../../machine/mask.js';
import { parseTraceLine } from './parse-line.js';
import type { TraceEvent } from './trace-event.js';

/** Parse one line that must be an event. */
function ev(line: string, lineNo = 7): TraceEvent {
  const r = parseTraceLine(line, lineNo, 'x.txt');
  assert.equal(r.type, 'event', line);
  if (r.type !== 'event') throw new Error('unreachable');
  return r.event;
}

// Real lines from test/fixtures/oracle (nvme_smoke_smp2, virtio_small8192_smp2).
const MAP_SINGLE = '    kworker/u4:0-9       [000] ..Zff           20: map_single: (swiotlb_tbl_map_single+0x5/0x6c0) dev=0xffff88807dc9a0d0 orig=0x491d000 msz=4096 asz=4096 amask=0x0 dir=2 attrs=0x0 name="0000:00:02.0" minalign=0xfff segbnd=0xffffffff mem=0xffffffff83fd4400';

test('ORACLE_BUILDERS map_single: every argument and device parameter', () => {
  assert.deepEqual(ev(MAP_SINGLE), {
    kind: 'map_single', line: 7, cpu: 0, ts: 20, task: 'kworker/u4:0', pid: 9,
    dev: '0xffff88807dc9a0d0', orig: 0x491d000, msz: 4096, asz: 4096, amask: 0, dir: 2, attrs: 0,
    name: '0000:00:02.0', minalign: 0xfff, segbnd: 0xffffffff, mem: '0xffffffff83fd4400',
  });
});

test('ORACLE_BUILDERS in-lock events: map_found, map_area_full, unmap_release', () => {
  assert.deepEqual(ev('    kworker/u4:0-9       [000] d.Z..           21: map_found: (swiotlb_tbl_map_single+0x579/0x6c0) area=0 slot=0 nslots=2 aindex=2 aused=2'), {
    kind: 'map_found', line: 7, cpu: 0, ts: 21, task: 'kworker/u4:0', pid: 9, area: 0, slot: 0, nslots: 2, aindex: 2, aused: 2,
  });
  assert.deepEqual(ev('              dd-148     [000] d.Z1.         3995: map_area_full: (swiotlb_tbl_map_single+0x3f4/0x6c0) area=0 nslots=128 aindex=0 aused=3344'), {
    kind: 'map_area_full', line: 7, cpu: 0, ts: 3995, task: 'dd', pid: 148, area: 0, nslots: 128, aindex: 0, aused: 3344,
  });
  assert.deepEqual(ev('          <idle>-0       [000] d.Z1.           32: unmap_release: (swiotlb_tbl_unmap_single+0x144/0x1a0) slot=4 nslots=2 aindex=6 aused=0'), {
    kind: 'unmap_release', line: 7, cpu: 0, ts: 32, task: '<idle>', pid: 0, slot: 4, nslots: 2, aindex: 6, aused: 0,
  });
});

test('ORACLE_BUILDERS map_single_ret: tlb_addr, and -1 for a failed map', () => {
  assert.equal((ev('    kworker/u4:0-9       [000] ..Zff           22: map_single_ret: (swiotlb_tbl_map_single+0x18e/0x6c0) ret=0x79900000') as { ret: number }).ret, 0x79900000);
  assert.equal((ev('  dd-150 [001] d.Z..  4404: map_single_ret: (swiotlb_tbl_map_single+0x18e/0x6c0) ret=0xffffffffffffffff') as { ret: number }).ret, -1);
});

test('ORACLE_BUILDERS unmap_single and sync_for_cpu', () => {
  assert.deepEqual(ev('          <idle>-0       [000] d.Z..           31: unmap_single: (swiotlb_tbl_unmap_single+0x5/0x1a0) dev=0xffff88807dc9a0d0 tlb=0x79902000 msz=4096 dir=2 attrs=0x20 name="0000:00:02.0" minalign=0xfff'), {
    kind: 'unmap_single', line: 7, cpu: 0, ts: 31, task: '<idle>', pid: 0,
    dev: '0xffff88807dc9a0d0', tlb: 0x79902000, msz: 4096, dir: 2, attrs: 0x20, name: '0000:00:02.0', minalign: 0xfff,
  });
  assert.deepEqual(ev('          <idle>-0       [000] d.Z..           30: sync_for_cpu: (swiotlb_sync_single_for_cpu+0x5/0x30) dev=0xffff88807dc9a0d0 tlb=0x79902000 size=4096 dir=2 name="0000:00:02.0"'), {
    kind: 'sync_for_cpu', line: 7, cpu: 0, ts: 30, task: '<idle>', pid: 0,
    dev: '0xffff88807dc9a0d0', tlb: 0x79902000, size: 4096, dir: 2, name: '0000:00:02.0',
  });
  assert.equal(ev('  a-1 [000] d.Z.. 5: sync_for_device: (swiotlb_sync_single_for_device+0x5/0x30) dev=0x1 tlb=0x2 size=3 dir=1 name="d"').kind, 'sync_for_device');
});

test('ORACLE_BUILDERS pool: geometry and every area', () => {
  assert.deepEqual(ev('             cat-105     [000] ..Zff            4: pool: (fops_io_tlb_used_open+0x5/0x20) start=0x79900000 end=0x7d900000 nslabs=32768 nareas=2 area_nslabs=16384 force=1 a0_used=0 a0_index=0 a1_used=3 a1_index=142'), {
    kind: 'pool', line: 7, cpu: 0, ts: 4, task: 'cat', pid: 105,
    start: 0x79900000, end: 0x7d900000, nslabs: 32768, nareas: 2, areaNslabs: 16384, force: true, areaUsed: [0, 3], areaIndex: [0, 142],
  });
  assert.throws(() => ev('  cat-1 [000] ..Zff 4: pool: (x) start=0x1 end=0x2 nslabs=1 nareas=2 area_nslabs=1 force=0 a0_used=0 a1_used=0 a1_index=0'), /a0_index/);
});

test('ORACLE_BUILDERS swiotlb_bounced: prefix-less hex, mask clamped, FORCE/NORMAL', () => {
  assert.deepEqual(ev('    kworker/u4:0-9       [000] .....           19: swiotlb_bounced: dev_name: 0000:00:02.0 dma_mask=ffffffffffffffff dev_addr=491d000 size=4096 FORCE'), {
    kind: 'swiotlb_bounced', line: 7, cpu: 0, ts: 19, task: 'kworker/u4:0', pid: 9,
    devName: '0000:00:02.0', dmaMask: MASK_ALL, devAddr: 0x491d000, size: 4096, force: true,
  });
  const normal = ev('  a-1 [001] ..... 9: swiotlb_bounced: dev_name: my dev dma_mask=ffffffff dev_addr=1000 size=8 NORMAL');
  assert.deepEqual([normal.kind, (normal as { devName: string }).devName, (normal as { dmaMask: number }).dmaMask, (normal as { force: boolean }).force], ['swiotlb_bounced', 'my dev', 0xffffffff, false]);
});

test('ORACLE_BUILDERS tracing_mark_write keeps the text after the event name', () => {
  assert.deepEqual(ev('            init-1       [000] .....            3: tracing_mark_write: oracle: tracing on; clock=counter nareas=2'), {
    kind: 'tracing_mark_write', line: 7, cpu: 0, ts: 3, task: 'init', pid: 1, text: 'oracle: tracing on; clock=counter nareas=2',
  });
});

test('ORACLE_BUILDERS fallback mode: +0 entry probe, kretprobe prefix with spaces, unmap_single_ret', () => {
  const entry = ev(MAP_SINGLE.replace('+0x5/0x6c0', '+0x0/0x6c0').replace('attrs=0x0', 'attrs=0x100'));
  assert.equal((entry as { attrs: number }).attrs, 0x100);
  const ret = ev('              dd-150     [001] d.Z..  4404: map_single_ret: (swiotlb_map+0x6e/0x280 <- swiotlb_tbl_map_single) ret=0x7b902000');
  assert.deepEqual([ret.kind, (ret as { ret: number }).ret], ['map_single_ret', 0x7b902000]);
  assert.equal(ev('  dd-150 [001] d.Z.. 4405: unmap_single_ret: (dma_direct_unmap_page+0x9c/0x120 <- swiotlb_tbl_unmap_single)').kind, 'unmap_single_ret');
});

test('ORACLE_BUILDERS name: spaces, quotes, backslash escapes and (fault) are untrusted text', () => {
  const name = (v: string): string | null => (ev(MAP_SINGLE.replace('name="0000:00:02.0"', `name=${v}`)) as { name: string | null }).name;
  assert.equal(name('"a b c"'), 'a b c');
  assert.equal(name('"<weird> "dev"'), '<weird> "dev');
  assert.equal(name('"a\\"b"'), 'a"b');
  // A quote followed by ' key=' ends the value: such a name is ambiguous, and the line is rejected.
  assert.throws(() => name('"x" minalign=1"'), /minalign/);
  assert.equal(name('""'), '');
  assert.equal(name('(fault)'), null);
  assert.throws(() => ev('  a-1 [000] ..... 1: sync_for_cpu: (x) dev=0x1 tlb=0x2 size=3 dir=1 name="unterminated'), /bad_string|closing/);
});

test('ORACLE_BUILDERS reads fields in any order through the slow path', () => {
  const shuffled = ev('  a-1 [000] ..... 1: map_found: (x) slot=5 area=1 extra=zz aused=4 nslots=2 aindex=7');
  assert.deepEqual(shuffled, { kind: 'map_found', line: 7, cpu: 0, ts: 1, task: 'a', pid: 1, area: 1, slot: 5, nslots: 2, aindex: 7, aused: 4 });
});

test('ORACLE_BUILDERS rejects addresses >= 2^53 other than all-ones, and clamps masks', () => {
  assert.throws(() => ev('  a-1 [000] ..... 1: map_single_ret: (x) ret=0xffff888000000000'), (e: Error & { code?: string }) => e.code === 'address_too_large' && /x\.txt:7/.test(e.message));
  const wide = ev(MAP_SINGLE.replace('segbnd=0xffffffff', 'segbnd=0xffffffffffffffff').replace('minalign=0xfff', 'minalign=0x3fffffffffffff'));
  assert.deepEqual([(wide as { segbnd: number }).segbnd, (wide as { minalign: number }).minalign], [MASK_ALL, MASK_ALL]);
});
