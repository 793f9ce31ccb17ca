#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's test runner through tsx (its ESM loader, as the CLI uses).
// Node 20 runs zero tests and exits 0 when given no files; this script refuses that.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) collect(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...collect(join(root, 'src'), []), ...collect(join(root, 'test'), [])];
if (files.length === 0) {
  console.error('run-tests: no *.test.ts files found under src/ or test/; refusing to report success');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx/esm', '--test', '--test-reporter=spec', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
