import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { canonicalJson, sha256File, sha256Text } from '../util/digest.js';
import { effectiveConfig } from './run-config.js';
import { runInputDigest } from './run.js';
import { replayTraceFile } from './replay/replay-file.js';

const TRACE = 'test/fixtures/oracle/nvme_smoke_smp2/trace.txt.gz';

test('canonicalJson: the same value written with keys in another order gives the same text', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'z' } }), canonicalJson({ a: { c: 'z', d: [1, { x: 1, y: 2 }] }, b: 1 }));
  assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
  assert.notEqual(sha256Text(canonicalJson({ a: 1 })), sha256Text(canonicalJson({ a: 2 })));
});

test('a run digest depends on the config and the trace bytes, not on where the trace sits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  try {
    const a = join(dir, 'a.txt');
    const b = join(dir, 'elsewhere.txt');
    writeFileSync(a, gunzipSync(readFileSync(TRACE)));
    copyFileSync(a, b);
    const cfg = (path: string, seed = 1) => effectiveConfig({ seed, workload: { name: 'trace', knobs: { path } } }, 'test');
    assert.equal(runInputDigest(cfg(a)), runInputDigest(cfg(b)));
    assert.notEqual(runInputDigest(cfg(a)), runInputDigest(cfg(a, 2)));
    const text = readFileSync(b);
    text[text.length - 2] = text[text.length - 2] === 0x30 ? 0x31 : 0x30;
    writeFileSync(b, text);
    assert.notEqual(sha256File(a), sha256File(b));
    assert.notEqual(runInputDigest(cfg(a)), runInputDigest(cfg(b)));
    assert.match(runInputDigest(effectiveConfig({}, 'test')), /^sha256:[0-9a-f]{64}$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a replay digest names the trace bytes and the options, the same for a copy at another path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'digest-'));
  try {
    const copy = join(dir, 'copy.txt.gz');
    copyFileSync(TRACE, copy);
    const r1 = await replayTraceFile(TRACE, { kernel: '6.1' });
    const r2 = await replayTraceFile(copy, { kernel: '6.1' });
    const r3 = await replayTraceFile(copy, { kernel: '6.1', lenient: true });
    assert.equal(r1.inputDigest, r2.inputDigest);
    assert.notEqual(r1.inputDigest, r3.inputDigest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
