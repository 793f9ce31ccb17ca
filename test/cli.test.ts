import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync as fileExists, mkdtempSync, readdirSync as listDir, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/swiotlb-lab.mjs', import.meta.url));
const SMOKE = fileURLToPath(new URL('./fixtures/oracle/nvme_smoke_smp2/trace.txt', import.meta.url));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('swiotlb-lab replay --json prints one document with the decision counts and the rebuilt pool', () => {
  const r = cli('replay', SMOKE, '--json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of ['events', 'maps', 'unmaps', 'matched', 'mismatched', 'firstMismatch', 'pool']) assert.ok(k in doc, k);
  assert.equal(doc.maps, 54);
  assert.equal(doc.mismatched, 0);
  assert.equal(doc.firstMismatch, null);
  assert.deepEqual(doc.pool, { start: 0x79900000, end: 0x7d900000, nslabs: 32768, nareas: 2, areaNslabs: 16384, force: true, source: 'trace' });
});

test('swiotlb-lab replay exits 1 on a mismatch and shows the trace line', () => {
  const r = cli('replay', SMOKE, '--kernel', '6.6.24');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /first mismatch at line \d+/);
  assert.match(r.stdout, /kernel: \{/);
});

test('swiotlb-lab replay exits 2 with file and line for a malformed trace, without a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-lab-'));
  const bad = join(dir, 'bad.txt');
  const lines = readFileSync(SMOKE, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('map_found:'));
  lines[i] = lines[i]!.replace(/slot=\d+/, 'slot=abc');
  writeFileSync(bad, lines.join('\n'));
  const r = cli('replay', bad);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`bad\\.txt:${i + 1}: `));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const lenient = cli('replay', bad, '--lenient', '--json');
  assert.notEqual(lenient.code, 2);
  assert.equal((JSON.parse(lenient.stdout) as { malformedLines: number }).malformedLines, 1);
});

test('swiotlb-lab exits 2 on usage errors and a missing file, 0 on --help', () => {
  assert.equal(cli('--help').code, 0);
  assert.equal(cli('replay', '--kernel', '9.9').code, 2);
  assert.equal(cli('no-such-command').code, 2);
  const missing = cli('replay', '/nonexistent/trace.txt');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});

test('swiotlb-lab run applies --set knobs and --duration, and the result carries them', () => {
  const r = cli('run', 'virtio-blk', '--set', 'bs=131072', '--set', 'iodepth=4', '--duration', '20', '--json');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { knobs: Record<string, unknown>; config: { durationMs: number; workload: { knobs: Record<string, unknown> } } };
  assert.equal(doc.knobs.bs, 131072);
  assert.equal(doc.knobs.iodepth, 4);
  assert.equal(doc.config.durationMs, 20);
  assert.deepEqual(doc.config.workload.knobs, { bs: 131072, iodepth: 4 });
  assert.equal(cli('run', '--set', 'nonsense=1').code, 2);
});

test('swiotlb-lab run of a trace whose buffers lie outside the machine RAM is a clear error with file and line; --memory bytes checks the data', () => {
  const small = cli('run', SMOKE, '--ram', '128M', '--no-confidential', '--cmdline', 'swiotlb=force');
  assert.equal(small.code, 2);
  assert.match(small.stderr, /trace\.txt:\d+: The trace maps \d+ bytes at 0x[0-9a-f]+, which is not RAM of the simulated machine \(RAM ends at 0x8000000\): give more RAM/);
  assert.doesNotMatch(small.stderr, /internal error|\n\s+at /);
  const bytes = cli('run', SMOKE, '--memory', 'bytes', '--no-confidential', '--cmdline', 'swiotlb=force');
  assert.equal(bytes.code, 0, bytes.stderr);
  assert.match(bytes.stdout, /data check \(fixed\): [\d,]+ checks, [\d,]+ bytes compared: every byte arrived where the kernel would put it/);
  assert.equal(cli('run', 'nic', '--memory', 'paper').code, 2);
});

test('swiotlb-lab stops at once on Ctrl-C with status 130 and leaves no output file', async () => {
  const { spawn } = await import('node:child_process');
  const { existsSync, mkdtempSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sigint-'));
  const out = join(dir, 'run.json');
  const child = spawn(process.execPath, [BIN, 'run', '--duration', '600000', '--perfetto', out], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 2500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig === 'SIGINT' ? 130 : null))));
  assert.equal(code, 130);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir), []);
});

test('--report writes a complete HTML report beside the usual output, for compare, replay and size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));
  const cmp = cli('compare', '--policies', 'fixed,growing', '--duration', '20', '--report', join(dir, 'compare.html'));
  assert.equal(cmp.code, 0, cmp.stderr);
  assert.match(cmp.stdout, /map failures/);
  const rep = cli('replay', SMOKE, '--report', join(dir, 'replay.html'));
  assert.equal(rep.code, 0, rep.stderr);
  const size = cli('size', '--duration', '20', '--report', join(dir, 'size.html'));
  assert.equal(size.code, 0, size.stderr);
  for (const f of ['compare.html', 'replay.html', 'size.html']) {
    const html = readFileSync(join(dir, f), 'utf8');
    assert.match(html, /^<!doctype html>[\s\S]*<\/html>\n$/);
    assert.match(html, /<figure class="chart"[\s\S]*?<svg/);
  }
  assert.deepEqual(listDir(dir).sort(), ['compare.html', 'replay.html', 'size.html']);
  // A report path in a missing folder is a clear error and leaves nothing behind.
  const bad = cli('compare', '--policies', 'fixed', '--duration', '5', '--report', join(dir, 'no-such-dir', 'r.html'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /no-such-dir/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  assert.equal(fileExists(join(dir, 'no-such-dir')), false);
});
