import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCaptureScript } from '../src/lab/capture/capture-script.js';

/** The script's "probe places" section, run on its own with the tracefs writes stubbed. */
const SECTION = (() => {
  const text = renderCaptureScript({});
  return text.slice(text.indexOf('# ---- probe places'), text.indexOf('# ---- setup'));
})();

const KALLSYMS = [
  'ffffffff81144ff0 T swiotlb_tbl_map_single',
  'ffffffff811456b0 T swiotlb_tbl_unmap_single',
  'ffffffff811458a0 T swiotlb_map',
  'ffffffff81145b00 T swiotlb_max_mapping_size',
].join('\n');
const MAP_SINGLE = 0x81144ff0;
const CALLER = 0x811458a0;

/** 1 KiB of "code" from swiotlb_map with `call rel32` instructions planted at the given offsets and targets. */
function codeLines(calls: { at: number; target: number }[]): string {
  const b = new Uint8Array(1024).fill(0x90);
  for (const { at, target } of calls) {
    const rel = (target - (CALLER + at + 5)) | 0;
    b[at] = 0xe8;
    new DataView(b.buffer).setInt32(at + 1, rel, true);
  }
  const word = (i: number): string => `w${i}=0x${new DataView(b.buffer).getBigUint64(i * 8, true).toString(16)}`;
  const line = (from: number): string => `             cat-118     [002] .....     4: code_swiotlb_map${from}: (fops_io_tlb_used_open+0x0/0x20) ${Array.from({ length: 64 }, (_, k) => word(from + k)).join(' ')}`;
  // Two probes on one function: a 6.1 kernel prints the newest first.
  return `${line(64)}\n${line(0)}\n`;
}

function run(opts: { kallsyms: string; code: string; ftraced?: string; reject?: RegExp; call: string }): { events: string; stderr: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-sites-'));
  const t = join(dir, 't');
  mkdirSync(t);
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'd', 'io_tlb_used'), '0\n');
  writeFileSync(join(t, 'trace'), '');
  writeFileSync(join(t, 'kprobe_events'), '');
  writeFileSync(join(t, 'available_filter_functions'), opts.ftraced ?? '');
  writeFileSync(join(dir, 'kallsyms'), opts.kallsyms);
  writeFileSync(join(dir, 'code'), opts.code);
  const reject = opts.reject?.source ?? '^$';
  const script = `set -u
T=${t}; D=${join(dir, 'd')}; CAP_ENABLED=; CAP_KPROBES=; CAP_ORIG_OPT=; CAP_RAW=${join(dir, 'out.txt')}
say() { printf 'say: %s\\n' "$*" >&2; }
warn() { printf 'warn: %s\\n' "$*" >&2; }
# The "kernel": switching tracing on while io_tlb_used is opened fires the code probes.
cap_wr() { if [ "$1" = "$T/tracing_on" ] && [ "$2" = 1 ]; then cat ${join(dir, 'code')} >> "$T/trace"; fi; return 0; }
cap_append() { printf '%s\\n' "$2" >> "$1"; }
cap_enable() { return 0; }
cap_add_probe_in() { printf '%s\\n' "$3" | grep -Eq '${reject}' && return 1; cap_append "$T/kprobe_events" "$3"; CAP_KPROBES="$CAP_KPROBES $1/$2"; }
cap_add_probe() { cap_add_probe_in swiotlb_lab "$1" "$2"; }
${SECTION}
${opts.call}
`;
  const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SWIOTLB_LAB_KALLSYMS: join(dir, 'kallsyms') } });
  return { events: readFileSync(join(t, 'kprobe_events'), 'utf8'), stderr: r.stderr, status: r.status };
}

const FALLBACK = `cap_add_map_ret "r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=\\$retval:x64"`;

test('the capture script finds where swiotlb_tbl_map_single returns in its caller and probes that instruction', () => {
  const code = codeLines([
    { at: 0x6a, target: MAP_SINGLE },
    { at: 0x20, target: MAP_SINGLE + 0x100 }, // a call to something else
    { at: 700, target: MAP_SINGLE }, // past swiotlb_map's 608 bytes: another function's call
  ]);
  const r = run({ kallsyms: KALLSYMS, code, call: FALLBACK });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.events.trim().split('\n');
  assert.ok(lines[0]!.startsWith('p:swiotlb_lab/code_swiotlb_map0 fops_io_tlb_used_open w0=@swiotlb_map+0:x64 w1=@swiotlb_map+8:x64 '));
  assert.ok(lines[1]!.startsWith('p:swiotlb_lab/code_swiotlb_map64 fops_io_tlb_used_open w64=@swiotlb_map+512:x64 '));
  assert.deepEqual(lines.slice(2), ['-:swiotlb_lab/code_swiotlb_map0', '-:swiotlb_lab/code_swiotlb_map64', 'p:swiotlb_lab/map_single_ret swiotlb_map+111 ret=%ax:x64']);
  assert.match(r.stderr, /say: reading swiotlb_tbl_map_single's result after its 1 call site/);
});

test('the capture script falls back to the return probe, and says so, when no call is found', () => {
  const r = run({ kallsyms: KALLSYMS, code: codeLines([]), call: FALLBACK });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.events.trim().endsWith('r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=$retval:x64'), r.events);
  assert.match(r.stderr, /warn: could not find where swiotlb_tbl_map_single returns \(read 2 code lines of its callers and found no call to it\)/);
  const none = run({ kallsyms: '', code: '', call: FALLBACK });
  assert.equal(none.events, 'r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=$retval:x64\n', 'no symbols: no code probes at all');
  assert.match(none.stderr, /\(swiotlb_tbl_map_single has no address in .*kallsyms/);
  // kptr_restrict=2: every address reads as zeros.
  const hidden = run({ kallsyms: KALLSYMS.replace(/^ffffffff[0-9a-f]{8}/gm, '0000000000000000'), code: '', call: FALLBACK });
  assert.match(hidden.stderr, /\(swiotlb_tbl_map_single has no address in .*kallsyms \(kptr_restrict hides them\?\)\)/);
  assert.ok(!hidden.events.includes('code_'), 'no code read for addresses it cannot use');
});

test('entry probes go after the ftrace call: +5, +9 behind endbr64, the first byte for a function ftrace does not know', () => {
  const add = `cap_add_entry_probe unmap_single swiotlb_tbl_unmap_single "tlb=%si:x64"; cap_add_entry_probe sync_for_cpu swiotlb_sync_single_for_cpu "tlb=%si:x64"`;
  const plain = run({ kallsyms: '', code: '', ftraced: 'swiotlb_tbl_unmap_single\nfoo [mod]\n', call: add });
  assert.equal(plain.events, 'p:swiotlb_lab/unmap_single swiotlb_tbl_unmap_single+5 tlb=%si:x64\np:swiotlb_lab/sync_for_cpu swiotlb_sync_single_for_cpu tlb=%si:x64\n');
  // An IBT kernel refuses +5 (inside the call after endbr64).
  const ibt = run({ kallsyms: '', code: '', ftraced: 'swiotlb_tbl_unmap_single\n', reject: /\+5 /, call: add });
  assert.equal(ibt.events.split('\n')[0], 'p:swiotlb_lab/unmap_single swiotlb_tbl_unmap_single+9 tlb=%si:x64');
});
