import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { BUILTIN_TRACES } from '../src/cli/replay-command.js';

/**
 * A capture that starts mid-life, made from a real one: cut it where no call
 * is in progress but mappings are live, and start the rest with a pool line
 * of the kernel's area state at that point (each area's last in-lock event
 * prints its index and used after the operation).
 */
function cutMidLife(lines: string[], nareas: number, areaNslabs: number, minLive: number): { text: string; live: number } {
  const header = lines.filter((l) => l.startsWith('#'));
  const firstPool = lines.find((l) => l.includes(' pool: '))!;
  const used = new Array<number>(nareas).fill(0);
  const index = new Array<number>(nareas).fill(0);
  const pending = new Map<string, number>();
  let live = 0;
  let seenPool = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith('#')) continue;
    const cpu = /\[(\d+)\]/.exec(l)?.[1] ?? '';
    const depth = pending.get(cpu) ?? 0;
    if (/ (map_single|unmap_single): /.test(l)) pending.set(cpu, depth + 1);
    else if (/ (map_single_ret|unmap_release): /.test(l)) pending.set(cpu, depth - 1);
    const found = /map_found: .* area=(\d+) slot=\d+ nslots=(\d+) aindex=(\d+) aused=(\d+)/.exec(l);
    const released = /unmap_release: .* slot=(\d+) nslots=(\d+) aindex=(\d+) aused=(\d+)/.exec(l);
    if (found !== null) {
      index[+found[1]!] = +found[3]!;
      used[+found[1]!] = +found[4]!;
      live++;
    } else if (released !== null) {
      const a = Math.floor(+released[1]! / areaNslabs);
      index[a] = +released[3]!;
      used[a] = +released[4]!;
      live--;
    }
    if (l.includes(' pool: ')) seenPool = true;
    const idle = [...pending.values()].every((d) => d === 0);
    if (seenPool && idle && live >= minLive && i > lines.length / 3) {
      let pool = firstPool;
      for (let a = 0; a < nareas; a++) pool = pool.replace(new RegExp(`a${a}_used=\\d+ a${a}_index=\\d+`), `a${a}_used=${used[a]} a${a}_index=${index[a]}`);
      return { text: [...header, pool, ...lines.slice(i + 1)].join('\n'), live };
    }
  }
  throw new Error('no idle point with live mappings');
}

for (const [name, nareas, areaNslabs, smallPool] of [
  ['nvme_small4096_smp4', 4, 1024, true],
  // Its first events after the cut are unmaps and syncs of the IDE disk: the 64 KiB boundary its later maps print must still apply.
  ['ide_small2048_smp2', 2, 1024, false],
] as const) {
  test(`a capture that starts with mappings live and areas mid-way replays exactly from its first pool line (${name})`, async () => {
    const lines = gunzipSync(readFileSync(join(BUILTIN_TRACES, name, 'trace.txt.gz'))).toString('utf8').split('\n');
    const { text, live } = cutMidLife(lines, nareas, areaNslabs, 8);
    const dir = mkdtempSync(join(tmpdir(), 'swiotlb-midlife-'));
    try {
      const f = join(dir, 'trace.txt');
      writeFileSync(f, text);
      const r = await replayTraceFile(f, { kernel: '6.1', check: true });
      assert.equal(r.mismatched, 0, JSON.stringify(r.firstMismatch));
      assert.ok(r.matched > 10_000);
      assert.equal(r.initialState!.mappings, live);
      assert.ok(r.initialState!.slotsInUse >= live);
      assert.equal(r.initialState!.unplaced, 0);
      // The mappings made before the cut are unmapped in it without dma-debug calling that an error.
      assert.equal(r.dmaDebug!.counts.unmap_not_mapped ?? 0, 0);
      if (smallPool) assert.ok(r.failures > 0, 'the small pool still fails maps after the cut');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a pool line with slots in use that the trace never frees is reported, not hidden', async () => {
  const lines = readFileSync(join(BUILTIN_TRACES, 'nvme_smoke_smp2', 'trace.txt'), 'utf8').split('\n');
  const pool = lines.findIndex((l) => l.includes(' pool: '));
  lines[pool] = lines[pool]!.replace('a0_used=0', 'a0_used=6');
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-midlife-'));
  try {
    const f = join(dir, 'trace.txt');
    writeFileSync(f, lines.join('\n'));
    const r = await replayTraceFile(f, { kernel: '6.1' });
    assert.deepEqual(r.initialState, { line: pool + 1, slotsInUse: 6, mappings: 0, unplaced: 6 });
    assert.match(r.warnings[0]!, /6 of the 6 slots in use when the capture started .* never unmaps/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
