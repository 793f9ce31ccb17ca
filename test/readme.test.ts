import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('README library example is examples/quick-start.ts verbatim, and it runs', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const example = readFileSync(`${root}examples/quick-start.ts`, 'utf8');
  assert.ok(readme.includes(example), 'README shows the example file');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/quick-start.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /swiotlb buffer is full/);
});

test('README lab example is examples/lab-report.ts verbatim, and it prints what its comments say', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const example = readFileSync(`${root}examples/lab-report.ts`, 'utf8');
  assert.ok(readme.includes(example), 'README shows the example file');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/lab-report.ts'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const said = [...example.matchAll(/^\/\/ ((?:fixed|growing): .*)$/gm)].map((m) => m[1]);
  assert.equal(said.length, 2);
  for (const line of said) assert.ok(r.stdout.includes(`${line}\n`), `prints '${line}'`);
  assert.match(r.stdout, /report: .*swiotlb-lab-report\.html \(sha256:[0-9a-f]{64}\)/);
});

test('README quick-start commands are the ones CI and npm scripts run', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const ci = readFileSync(`${root}.ci/run`, 'utf8');
  assert.ok(readme.includes('npm ci && npx swiotlb-lab compare'));
  assert.ok(readme.includes('npm ci && npm test'));
  assert.match(ci, /npm ci/);
  assert.match(ci, /npm test/);
});

test('README shows the default compare exactly as the command prints it', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const r = spawnSync(process.execPath, ['bin/swiotlb-lab.mjs', 'compare'], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(readme.includes(r.stdout.trimEnd()), 'README holds the current output of npx swiotlb-lab compare');
});

test('README shows the replay tables of the bundled 6.1 and 6.12 captures exactly as the command prints them', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const dir = 'test/fixtures/kernel-6.12';
  const k612 = readdirSync(`${root}${dir}`, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => `${dir}/${d.name}/swiotlb-trace.txt.gz`)
    .sort();
  for (const args of [['replay'], ['replay', '--kernel', '6.12', ...k612]]) {
    const r = spawnSync(process.execPath, ['bin/swiotlb-lab.mjs', ...args], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, args.length === 1 ? 0 : 1, r.stderr);
    assert.ok(readme.includes(r.stdout.trimEnd()), `README holds the current output of npx swiotlb-lab ${args.slice(0, 3).join(' ')}`);
  }
});
