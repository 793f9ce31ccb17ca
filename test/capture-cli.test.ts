import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/swiotlb-lab.mjs', import.meta.url));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('swiotlb-lab capture-script prints the script on stdout with the options baked in', () => {
  const r = cli('capture-script', '--seconds', '5', '--buffer-kb', '2048', '--mode', 'bounced', '--out', "/tmp/it's.txt", '--command', 'fio --name=x');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout.startsWith('#!/bin/sh\n'));
  for (const line of ['CAP_SECONDS=5', 'CAP_BUFFER_KB=2048', "CAP_MODE='bounced'", "CAP_OUT='/tmp/it'\\''s.txt'", "CAP_COMMAND='fio --name=x'", 'CAP_HAVE_COMMAND=1']) {
    assert.ok(r.stdout.includes(`\n${line}\n`), line);
  }
});

test('swiotlb-lab capture-script exits 2 with one line for options out of range, and 0 on --help', () => {
  for (const args of [['--seconds', '0'], ['--mode', 'ebpf']]) {
    const r = cli('capture-script', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    if (args[0] === '--seconds') assert.equal(r.stderr, 'swiotlb-lab: error: Cannot use --seconds 0: expected a whole number of seconds from 1 to 86400\n');
  }
  const help = cli('capture-script', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--buffer-kb <n> +ring buffer per CPU in KiB \(64\.\.1048576\)/);
});
