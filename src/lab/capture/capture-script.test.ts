import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderCaptureScript } from './capture-script.js';
import type { CaptureOptionsInput } from './capture-options.js';
import { OPTIONS_BEGIN, OPTIONS_END } from './script-head.js';

const dir = mkdtempSync(join(tmpdir(), 'swiotlb-lab-capscript-'));

function run(shell: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(shell, args, { encoding: 'utf8', timeout: 30_000, cwd: opts.cwd ?? dir, env: opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function scriptFile(input: CaptureOptionsInput, name: string): string {
  const p = join(dir, name);
  writeFileSync(p, renderCaptureScript(input));
  return p;
}

const COMBOS: CaptureOptionsInput[] = [
  {},
  { seconds: 1, bufferKb: 64, mode: 'bounced' },
  { seconds: 86_400, bufferKb: 1_048_576, mode: 'kprobes', out: '/var/tmp/t.txt.gz' },
  { mode: 'dma-events', command: 'fio --name=r --rw=randread --bs=4k --size=64M --direct=1' },
  { out: "it's $(touch pwned) `id` x.txt", command: "echo 'a' \"b\" $(date) `id`\nsecond line" },
];

test('renderCaptureScript output passes bash -n and dash -n for every option combination', () => {
  COMBOS.forEach((c, i) => {
    const p = scriptFile(c, `combo${i}.sh`);
    for (const shell of ['bash', 'dash']) {
      const r = run(shell, ['-n', p]);
      assert.equal(r.status, 0, `${shell} ${JSON.stringify(c)}: ${r.stderr}`);
    }
  });
});

const HAS_SHELLCHECK = spawnSync('shellcheck', ['--version']).status === 0;

test('renderCaptureScript output has no shellcheck warnings as POSIX sh', { skip: HAS_SHELLCHECK ? false : 'shellcheck is not installed' }, () => {
  const r = run('shellcheck', ['-s', 'sh', '-S', 'warning', scriptFile(COMBOS[4]!, 'lint.sh')]);
  assert.equal(r.status, 0, r.stdout);
});

test('renderCaptureScript is deterministic and starts with a POSIX shebang', () => {
  assert.equal(renderCaptureScript({ seconds: 5 }), renderCaptureScript({ seconds: 5 }));
  assert.ok(renderCaptureScript({}).startsWith('#!/bin/sh\n'));
});

test('renderCaptureScript quotes --out and --command: the options block gives them back verbatim and runs nothing', () => {
  const mark = join(dir, 'pwned-gen');
  const out = `${dir}/it's a $(touch ${mark}) \`touch ${mark}\` "q" trace.txt`;
  const command = `echo '$(touch ${mark})' "\`touch ${mark}\`"; echo it's\nline two $HOME \\`;
  const text = renderCaptureScript({ out, command });
  const block = text.slice(text.indexOf(OPTIONS_BEGIN), text.indexOf(OPTIONS_END));
  assert.doesNotMatch(block, /^CAP_OUT="/m, 'single quotes, never double quotes');
  for (const shell of ['bash', 'dash']) {
    const r = run(shell, ['-c', `${block}\nprintf '%s\\0' "$CAP_OUT" "$CAP_COMMAND" "$CAP_HAVE_COMMAND" "$CAP_SECONDS"`]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), [out, command, '1', '30'], shell);
  }
  assert.equal(existsSync(mark), false, 'nothing in the options was executed');
});

test('capture script --help prints the options and their ranges without touching tracefs', () => {
  const p = scriptFile({ seconds: 7 }, 'help.sh');
  const r = run('sh', [p, '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /--seconds N {4}record at most N seconds, 1\.\.86400 \(default 7\)/);
  assert.match(r.stdout, /--buffer-kb N {2}ring buffer per CPU in KiB, 64\.\.1048576/);
  assert.match(r.stdout, /current values: --seconds 7 --buffer-kb 8192 --mode auto --out \.\/swiotlb-trace\.txt/);
});

test('capture script rejects bad options given when it runs with exit 2 and one message, before any change', () => {
  const p = scriptFile({}, 'args.sh');
  const cases: [string[], RegExp][] = [
    [['--seconds', '0'], /cannot use --seconds '0': expected a whole number from 1 to 86400/],
    [['--seconds', '1e3'], /cannot use --seconds '1e3'/],
    [['--buffer-kb', '1048577'], /cannot use --buffer-kb '1048577'/],
    [['--buffer-kb', '99999999999999999999'], /cannot use --buffer-kb/],
    [['--mode', 'ebpf'], /cannot use --mode 'ebpf'/],
    [['--out', 'somedir/'], /expected a file, not a directory/],
    [['--out', '/nonexistent-dir/t.txt'], /directory '\/nonexistent-dir' is missing/],
    [['--command'], /option --command needs a value/],
    [['--bogus'], /unknown option '--bogus'/],
  ];
  for (const [args, msg] of cases) {
    const r = run('sh', [p, ...args], { env: { PATH: process.env.PATH ?? '', SWIOTLB_LAB_TRACEFS: '/nonexistent-tracefs' } });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('trace')), [], 'no output written');
});
