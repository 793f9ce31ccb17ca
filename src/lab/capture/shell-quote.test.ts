import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { casePattern, sh, shellAssign, shellQuote } from './shell-quote.js';

test('shellQuote turns each single quote into close-escape-reopen', () => {
  assert.equal(shellQuote('plain'), "'plain'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(''), "''");
});

test('shellQuote words come back verbatim from bash and dash, and run nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-lab-quote-'));
  const mark = join(dir, 'pwned');
  const values = [
    `$(touch ${mark})`, `\`touch ${mark}\``, "it's", "''", "'\\''", '"$HOME"', '${PATH}', 'a\nb\n', '\\', '*', '~', '!x', ' lead', 'tab\there', '; touch ' + mark, 'é ü 中',
  ];
  const script = values.map((v, i) => `${shellAssign(`V${i}`, v)}\nprintf '%s\\0' "$V${i}"`).join('\n');
  for (const shell of ['bash', 'dash']) {
    const r = spawnSync(shell, ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), values, shell);
  }
  assert.equal(existsSync(mark), false, 'nothing was executed');
});

test('shellAssign refuses names the shell would not take as an assignment', () => {
  assert.equal(shellAssign('CAP_SECONDS', 30), 'CAP_SECONDS=30');
  assert.throws(() => shellAssign('1X', 'v'), RangeError);
  assert.throws(() => shellAssign('A;B', 'v'), RangeError);
});

test('sh keeps backslashes raw and turns \\${ into a shell ${ while interpolating values', () => {
  const n = 3;
  assert.equal(sh`sed 's/\(a\)/\1/' \${X%.gz} ${n}`, "sed 's/\\(a\\)/\\1/' ${X%.gz} 3");
});

test('casePattern joins plain words and rejects pattern characters', () => {
  assert.equal(casePattern(['auto', 'dma-events']), 'auto|dma-events');
  assert.throws(() => casePattern(['a*']), RangeError);
  assert.throws(() => casePattern(['a|b']), RangeError);
});
