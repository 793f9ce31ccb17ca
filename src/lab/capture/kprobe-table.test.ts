import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KPROBES, kprobeDefinition, poolProbeBaseArgs, type SwiotlbApi } from './kprobe-table.js';
import { POOL_MAX_AREAS } from './script-probes.js';
import { parseTraceLine } from '../trace/index.js';

/** A value as ftrace prints a fetch arg of this type. */
function sample(key: string, type: string): string {
  if (type === 'string') return '"0000:00:02.0"';
  if (key === 'ret' || key === 'tlb') return '0x79900000';
  if (key === 'dir') return '2';
  if (type.startsWith('x')) return key === 'minalign' ? '0xfff' : '0xffffffff';
  return key === 'nareas' ? '2' : key === 'nslabs' ? '32768' : key === 'area_nslabs' ? '16384' : '4096';
}

/** The line the kernel would print for a probe with these fetch args. */
function line(name: string, kind: 'p' | 'r', symbol: string, args: readonly string[]): string {
  const where = kind === 'p' ? `(${symbol}+0x0/0x6c0)` : `(swiotlb_map+0x6a/0x1f0 <- ${symbol})`;
  const fields = args.map((a) => {
    const key = a.slice(0, a.indexOf('='));
    return `${key}=${sample(key, a.slice(a.lastIndexOf(':') + 1))}`;
  });
  return `  kworker/u4:0-9       [001] d....    27: ${name}: ${where} ${fields.join(' ')}`;
}

for (const api of ['v61', 'v611'] as SwiotlbApi[]) {
  test(`KPROBES (${api}) print every field the trace reader needs for the oracle's event names`, () => {
    for (const k of KPROBES) {
      const r = parseTraceLine(line(k.name, k.kind, k.symbol[api], k.args[api]), 1);
      assert.equal(r.type, 'event', k.name);
      if (r.type === 'event') assert.equal(r.event.kind, k.name);
    }
  });
}

test('kprobeDefinition writes the kprobe_events line: kind, group/name, symbol, args', () => {
  const ret = KPROBES.find((k) => k.name === 'map_single_ret')!;
  assert.equal(kprobeDefinition(ret, 'v61'), 'r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=$retval:x64');
  const unmap = KPROBES.find((k) => k.name === 'unmap_single')!;
  assert.match(kprobeDefinition(unmap, 'v611'), /^p:swiotlb_lab\/unmap_single __swiotlb_tbl_unmap_single dev=%di:x64 /);
  const map = KPROBES.find((k) => k.name === 'map_single')!;
  assert.match(kprobeDefinition(map, 'v61'), / attrs=\+8\(\$stack\):x64 /, '7th argument from the stack above the return address ($arg7 is refused away from the first byte)');
  assert.match(kprobeDefinition(map, 'v611'), / asz=%dx:u64 amask=%cx:x32 dir=%r8:s32 attrs=%r9:x64 /, '6.11 dropped alloc_size');
});

test('poolProbeBaseArgs with per-area fields parse as a pool line with each area', () => {
  const args = [...poolProbeBaseArgs(), 'a0_used=+0(@io_tlb_default_mem+$P_AREAS):u64', 'a0_index=+8(x):u32', 'a1_used=+16(x):u64', 'a1_index=+24(x):u32'];
  const r = parseTraceLine(line('pool', 'p', 'fops_io_tlb_used_open', args), 1);
  assert.equal(r.type, 'event');
  if (r.type !== 'event' || r.event.kind !== 'pool') return;
  assert.equal(r.event.nslabs, 32768);
  assert.equal(r.event.nareas, 2);
  assert.deepEqual(r.event.areaUsed, [4096, 4096]);
});

test('poolProbeBaseArgs with the most areas stays under the 4096-byte kprobe_events line limit', () => {
  let def = `p:swiotlb_lab/pool fops_io_tlb_used_open ${poolProbeBaseArgs().join(' ')}`.replace(/\$P_[A-Z_]+/g, '120');
  for (let i = 0; i < POOL_MAX_AREAS; i++) {
    def += ` a${i}_used=+${i * 64}(@io_tlb_default_mem+120):u64 a${i}_index=+${i * 64 + 8}(@io_tlb_default_mem+120):u32`;
  }
  assert.ok(def.length < 4095, `${def.length}`);
  assert.ok(6 + 2 * POOL_MAX_AREAS <= 128, 'at most 128 fetch args per probe');
});
