import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCaptureScript } from '../src/lab/capture/capture-script.js';
import { readTrace, type TraceEvent } from '../src/lab/trace/index.js';

const SCRIPT = join(mkdtempSync(join(tmpdir(), 'swiotlb-lab-cap-')), 'capture.sh');
writeFileSync(SCRIPT, renderCaptureScript({}));

const KPROBE_NAMES = ['map_single', 'map_single_ret', 'unmap_single', 'sync_for_cpu', 'sync_for_device', 'pool'];

/** A directory tree imitating tracefs (and a debugfs swiotlb dir), with the given events. */
function fakeTracefs(opts: { dma: boolean; kprobes: boolean; overrun?: number; hits?: Record<string, number> }): { root: string; t: string; dbg: string } {
  const root = mkdtempSync(join(tmpdir(), 'swiotlb-lab-fake-'));
  const t = join(root, 'tracing');
  const file = (p: string, text: string): void => {
    mkdirSync(join(t, p, '..'), { recursive: true });
    writeFileSync(join(t, p), text);
  };
  file('trace', '# tracer: nop\nstale line from before\n');
  file('tracing_on', '0\n');
  file('buffer_size_kb', '7 (expanded: 1408)\n');
  file('trace_clock', '[local] global counter uptime perf mono\n');
  file('events/swiotlb/swiotlb_bounced/enable', '0\n');
  file('per_cpu/cpu0/stats', 'entries: 3\noverrun: 0\ncommit overrun: 0\nbytes: 120\ndropped events: 0\n');
  file('per_cpu/cpu1/stats', `entries: 0\noverrun: ${opts.overrun ?? 0}\ncommit overrun: 0\nbytes: 0\ndropped events: 0\n`);
  if (opts.dma) for (const e of ['dma_map_page', 'dma_unmap_page', 'dma_sync_single_for_cpu']) file(`events/dma/${e}/enable`, '0\n');
  if (opts.kprobes) {
    // A real kernel creates events/<group>/<name> when the probe is written; the fake has them already.
    file('kprobe_events', '');
    file('kprobe_profile', KPROBE_NAMES.map((n) => `  ${n}  ${opts.hits?.[n] ?? 10}  0\n`).join(''));
    for (const n of KPROBE_NAMES) file(`events/swiotlb_lab/${n}/enable`, '0\n');
  }
  writeFileSync(join(root, 'kallsyms'), '');
  writeFileSync(join(root, 'kprobes-optimization'), '1\n');
  const dbg = join(root, 'debug');
  mkdirSync(join(dbg, 'swiotlb'), { recursive: true });
  writeFileSync(join(dbg, 'swiotlb', 'io_tlb_used'), '0\n');
  writeFileSync(join(dbg, 'swiotlb', 'io_tlb_nslabs'), '32768\n');
  return { root, t, dbg };
}

/** Oracle-format lines the "kernel" writes while the command runs. */
const LINES = [
  '     cat-105 [000] d....  4: pool: (fops_io_tlb_used_open+0x0/0x20) start=0x79900000 end=0x7d900000 nslabs=32768 nareas=2 area_nslabs=16384 force=1 a0_used=0 a0_index=0 a1_used=0 a1_index=0',
  '  kworker/u4:0-9 [000] .....  5: swiotlb_bounced: dev_name: 0000:00:02.0 dma_mask=ffffffffffffffff dev_addr=491d000 size=4096 FORCE',
  '  kworker/u4:0-9 [000] d....  6: map_single: (swiotlb_tbl_map_single+0x0/0x6c0) dev=0xffff88807dc9a0d0 orig=0x491d000 msz=4096 asz=4096 amask=0x0 dir=2 attrs=0x0 name="0000:00:02.0" minalign=0xfff segbnd=0xffffffff mem=0xffffffff83fd4400',
  '  kworker/u4:0-9 [000] d....  7: map_single_ret: (swiotlb_map+0x6a/0x1f0 <- swiotlb_tbl_map_single) ret=0x79900000',
];

function capture(f: { root: string; t: string; dbg: string }, args: string[], env: Record<string, string> = {}, script = SCRIPT, shell = 'sh'): { status: number | null; stdout: string; stderr: string } {
  const snapshot = `cat "$SWIOTLB_LAB_TRACEFS/tracing_on" "$SWIOTLB_LAB_TRACEFS/buffer_size_kb" "$SWIOTLB_LAB_TRACEFS/trace_clock" "$SWIOTLB_LAB_TRACEFS"/events/*/*/enable > during.txt; cat "$SWIOTLB_LAB_OPTPROBES" > kprobe-optimization-during.txt`;
  const emit = `printf '%s\\n' ${LINES.map((l) => `'${l}'`).join(' ')} >> "$SWIOTLB_LAB_TRACEFS/trace"`;
  const out = script === SCRIPT ? ['--out', join(f.root, 'my trace.txt')] : [];
  const r = spawnSync(shell, [script, '--seconds', '01', '--buffer-kb', '64', ...out, '--command', `${snapshot}; ${emit}`, ...args], {
    cwd: f.root,
    encoding: 'utf8',
    timeout: 15_000,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SWIOTLB_LAB_TRACEFS: f.t, SWIOTLB_LAB_DEBUGFS: f.dbg, SWIOTLB_LAB_KALLSYMS: join(f.root, 'kallsyms'), SWIOTLB_LAB_OPTPROBES: join(f.root, 'kprobes-optimization'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const read = (p: string): string => readFileSync(p, 'utf8');

async function events(path: string): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  await readTrace(path, { onEvent: (e) => out.push(e) });
  return out;
}

test('capture script (dma-events, fake tracefs) enables the events while recording, restores everything, writes a readable gzip trace', async () => {
  const f = fakeTracefs({ dma: true, kprobes: false });
  const r = capture(f, []);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mode dma-events, clock counter/);
  assert.deepEqual(read(join(f.root, 'during.txt')).split('\n').slice(0, 3), ['1', '64', 'counter'], 'tracing on, 64 KiB, counter clock');
  assert.deepEqual(read(join(f.root, 'during.txt')).split('\n').slice(3, 7), ['1', '1', '1', '1'], 'dma:* and swiotlb_bounced enabled');
  for (const e of ['dma/dma_map_page', 'dma/dma_unmap_page', 'dma/dma_sync_single_for_cpu', 'swiotlb/swiotlb_bounced']) {
    assert.equal(read(join(f.t, 'events', e, 'enable')), '0\n', `${e} restored`);
  }
  assert.equal(read(join(f.t, 'tracing_on')), '0\n');
  assert.equal(read(join(f.t, 'buffer_size_kb')), '1408\n', 'the expanded size, not the unused 7');
  assert.equal(read(join(f.t, 'trace_clock')), 'local\n');
  const trace = join(f.root, 'my trace.txt.gz');
  assert.ok(existsSync(trace) && !existsSync(join(f.root, 'my trace.txt')), 'gzipped in place');
  const kinds = (await events(trace)).map((e) => e.kind);
  assert.deepEqual(kinds, ['pool', 'swiotlb_bounced', 'map_single', 'map_single_ret'], 'stale lines cleared, new ones kept');
  const meta = read(join(f.root, 'my trace.meta.txt'));
  for (const kv of ['mode=dma-events', 'requested_mode=auto', 'seconds=1', 'buffer_size_kb=64', 'lost_events=0', 'command_status=0', `uname_r=`]) assert.ok(meta.includes(kv), kv);
  assert.equal(read(join(f.root, 'my trace.debugfs-before.txt')), 'io_tlb_nslabs 32768\nio_tlb_used 0\n');
});

test('capture script (kprobes, fake tracefs) adds the oracle fallback probes and the pool probe, then removes them', { skip: process.arch !== 'x64' }, () => {
  for (const [kernel, api] of [['6.1.0-56-amd64', 'v61'], ['6.11.3', 'v611']] as const) {
    const f = fakeTracefs({ dma: false, kprobes: true });
    const r = capture(f, [], { SWIOTLB_LAB_KERNEL: kernel });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`mode kprobes, clock counter`));
    const defs = read(join(f.t, 'kprobe_events')).split('\n');
    const map = defs.find((l) => l.startsWith('p:swiotlb_lab/map_single '))!;
    if (api === 'v61') {
      assert.match(map, / msz=%dx:u64 asz=%cx:u64 amask=%r8:x32 dir=%r9:s32 attrs=\+8\(\$stack\):x64 name=\+0\(\+0\(%di\)\):string minalign=\+\d+\(\+\d+\(%di\)\):x32 /);
      assert.ok(defs.some((l) => l.startsWith('p:swiotlb_lab/unmap_single swiotlb_tbl_unmap_single ')));
      assert.match(defs.find((l) => l.startsWith('p:swiotlb_lab/pool '))!, /^p:swiotlb_lab\/pool fops_io_tlb_used_open start=@io_tlb_default_mem\+0:x64 .* nareas=@io_tlb_default_mem\+\d+:u32 .* a0_used=\+\d+\(@io_tlb_default_mem\+\d+\):u64 a0_index=/);
    } else {
      assert.match(map, / asz=%dx:u64 amask=%cx:x32 dir=%r8:s32 attrs=%r9:x64 /);
      assert.ok(defs.some((l) => l.startsWith('p:swiotlb_lab/unmap_single __swiotlb_tbl_unmap_single ')));
    }
    assert.ok(defs.includes('r:swiotlb_lab/map_single_ret swiotlb_tbl_map_single ret=$retval:x64'));
    for (const n of KPROBE_NAMES) {
      assert.ok(defs.includes(`-:swiotlb_lab/${n}`), `${n} removed`);
      assert.equal(read(join(f.t, 'events/swiotlb_lab', n, 'enable')), '0\n', `${n} disabled`);
    }
    assert.match(read(join(f.root, 'during.txt')), /^1\n64\ncounter\n(1\n){7}$/, 'every probe and swiotlb_bounced on while recording');
    assert.equal(read(join(f.root, 'kprobe-optimization-during.txt')), '0\n', 'kprobe optimisation off while recording');
    assert.equal(read(join(f.root, 'kprobes-optimization')), '1\n', 'and back on after');
    const meta = read(join(f.root, 'my trace.meta.txt'));
    assert.ok(meta.includes(`probe_api=${api}`) && meta.includes('pool_probe=1') && meta.includes('kprobe_misses=0'), meta);
  }
});

test('capture script warns when the map return probe fired far less often than the map entry probe', { skip: process.arch !== 'x64' }, () => {
  const quiet = capture(fakeTracefs({ dma: false, kprobes: true, hits: { map_single: 1000, map_single_ret: 998 } }), [], { SWIOTLB_LAB_KERNEL: '6.1.0-56-amd64' });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /map_single_ret fired/, 'two calls in flight at the ends are not a miss');
  const r = capture(fakeTracefs({ dma: false, kprobes: true, hits: { map_single: 673357, map_single_ret: 0 } }), [], { SWIOTLB_LAB_KERNEL: '6.1.0-56-amd64' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: map_single_ret fired 0 times for 673357 map_single hits: most maps have no recorded result/);
});

test('capture script falls back to swiotlb_bounced alone when kprobes are asked for and absent, and warns about lost events', () => {
  const f = fakeTracefs({ dma: false, kprobes: false, overrun: 7 });
  const r = capture(f, ['--mode', 'kprobes']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /refusing kprobes: this kernel has no kprobe events/);
  assert.match(r.stdout, /mode bounced/);
  assert.match(r.stdout, /lost {5}7 events \(ring buffer cpu1=7\)/);
  assert.match(r.stderr, /warning: 7 events were lost \(cpu1=7\)/);
  assert.equal(read(join(f.t, 'events/swiotlb/swiotlb_bounced/enable')), '0\n');
});

test('capture script refuses dma-events on a kernel without them, with exit 2 and tracefs untouched', () => {
  const f = fakeTracefs({ dma: false, kprobes: false });
  const r = capture(f, ['--mode', 'dma-events']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /has no dma:\* events \(they exist from 6\.12 on\)/);
  assert.equal(read(join(f.t, 'tracing_on')), '0\n');
  assert.equal(read(join(f.t, 'trace')), '# tracer: nop\nstale line from before\n');
  assert.equal(existsSync(join(f.root, 'during.txt')), false, 'the command never ran');
});

test('capture script writes to a baked-in --out with quotes, spaces, $(...) and backquotes verbatim, running none of it', async () => {
  const f = fakeTracefs({ dma: true, kprobes: false });
  const name = "it's a $(touch pwned) `touch pwned2` \"q\" trace.txt";
  const script = join(f.root, 'nasty.sh');
  writeFileSync(script, renderCaptureScript({ out: join(f.root, name) }));
  const r = capture(f, [], {}, script);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(f.root, `${name}.gz`)), r.stdout);
  assert.ok(existsSync(join(f.root, `${name.slice(0, -4)}.meta.txt`)));
  assert.equal(existsSync(join(f.root, 'pwned')) || existsSync(join(f.root, 'pwned2')), false, 'nothing in the path was executed');
  assert.equal((await events(join(f.root, `${name}.gz`))).length, 4);
});

for (const withCommand of [false, true]) {
  test(`capture script stopped by SIGTERM while recording${withCommand ? ' a command' : ''} still writes the trace and restores tracefs`, { timeout: 20_000 }, async () => {
    const f = fakeTracefs({ dma: true, kprobes: false });
    const args = ['--seconds', '60', '--buffer-kb', '64', '--out', join(f.root, 't.txt'), ...(withCommand ? ['--command', 'sleep 30'] : [])];
    const child = spawn('sh', [SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', SWIOTLB_LAB_TRACEFS: f.t, SWIOTLB_LAB_DEBUGFS: f.dbg },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The script says "recording" once its stop trap is set.
    await new Promise<void>((resolve) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('recording')) resolve();
      });
    });
    assert.equal(read(join(f.t, 'events/dma/dma_map_page/enable')), '1\n', 'recording');
    const t0 = Date.now();
    child.kill('SIGTERM');
    assert.equal(await done, 0);
    assert.ok(Date.now() - t0 < 5000, 'stops within seconds, not at --seconds');
    assert.ok(read(join(f.root, 't.meta.txt')).includes('command_status=stopped'));
    assert.ok(existsSync(join(f.root, 't.txt.gz')));
    assert.equal(read(join(f.t, 'events/dma/dma_map_page/enable')), '0\n');
    assert.equal(read(join(f.t, 'tracing_on')), '0\n');
  });
}

test('capture script that fails half-way exits 2 and puts back what it had changed', () => {
  const f = fakeTracefs({ dma: true, kprobes: false });
  writeFileSync(join(f.t, 'tracing_on'), '1\n');
  rmSync(join(f.t, 'buffer_size_kb'));
  mkdirSync(join(f.t, 'buffer_size_kb'));
  const r = capture(f, []);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot set buffer_size_kb to 64 KiB per CPU/);
  assert.equal(read(join(f.t, 'tracing_on')), '1\n', 'tracing_on back to 1');
  assert.equal(read(join(f.t, 'events/dma/dma_map_page/enable')), '0\n');
  assert.equal(existsSync(join(f.root, 'during.txt')), false);
});

test('capture script runs the same under bash as under sh', async () => {
  const f = fakeTracefs({ dma: true, kprobes: false });
  const r = capture(f, [], {}, SCRIPT, 'bash');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(read(join(f.t, 'events/dma/dma_map_page/enable')), '0\n');
  assert.equal((await events(join(f.root, 'my trace.txt.gz'))).length, 4);
});

test('capture script names the replay profile from the upstream version a distribution kernel prints, not its ABI number', { skip: process.arch !== 'x64' }, () => {
  const f = fakeTracefs({ dma: false, kprobes: true });
  const debian = capture(f, [], { SWIOTLB_LAB_KERNEL: '6.1.0-56-amd64', SWIOTLB_LAB_UNAME_V: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-06-01)' });
  assert.equal(debian.status, 0, debian.stderr);
  assert.match(debian.stdout, /--kernel 6\.1\n/);
  assert.ok(read(join(f.root, 'my trace.meta.txt')).includes('kernel_upstream=6.1.192'));
  const g = fakeTracefs({ dma: false, kprobes: true });
  const abiOnly = capture(g, [], { SWIOTLB_LAB_KERNEL: '6.1.0-56-amd64' });
  assert.match(abiOnly.stdout, /--kernel 6\.1\.0\n/, 'nothing better to go by');
});
