import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine, readProgressLine, simulationProgress } from './progress.js';
import { runConfig } from '../lab/run.js';
import { effectiveConfig } from '../lab/run-config.js';

test('progressLine says how far the simulated time got', () => {
  assert.equal(progressLine('fixed', 252e9, 600e9), 'fixed: 42% of 600 s simulated');
  assert.equal(progressLine('growing', 10e6, 200e6), 'growing: 5% of 200 ms simulated');
  assert.equal(progressLine('x', 5, 0), 'x: 100% of 0 ms simulated');
});

test('simulationProgress writes to a terminal at most four times a second and clears its line; nothing without a terminal', () => {
  const prevCi = process.env.CI;
  delete process.env.CI;
  try {
    const out: string[] = [];
    let now = 0;
    const p = simulationProgress({ isTTY: true, write: (t) => out.push(t) }, () => now);
    const cb = p.report('fixed')!;
    cb(1e9, 10e9);
    now = 100;
    cb(2e9, 10e9); // too soon
    now = 300;
    cb(3e9, 10e9);
    p.done();
    assert.deepEqual(out, ['\rfixed: 10% of 10 s simulated\x1b[K', '\rfixed: 30% of 10 s simulated\x1b[K', '\r\x1b[K']);
    const quiet = simulationProgress({ isTTY: false, write: () => assert.fail('no terminal, no output') });
    assert.equal(quiet.report('fixed'), undefined);
    quiet.done();
  } finally {
    if (prevCi !== undefined) process.env.CI = prevCi;
  }
});

test('a long run calls its progress callback with simulated times that only grow, up to the end', () => {
  const seen: number[] = [];
  const c = effectiveConfig({ durationMs: 2000, cmdline: 'swiotlb=force', machine: { confidential: false }, workload: { name: 'nvme-randread', knobs: {} } });
  runConfig(c, { onProgress: (now, end) => { assert.equal(end, 2000e6); seen.push(now); } });
  assert.ok(seen.length >= 2, `${seen.length} calls`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!);
  assert.ok(seen.at(-1)! <= 2000e6);
});

test('readProgressLine says how much of a file was read', () => {
  assert.equal(readProgressLine('trace.txt.gz', 630e6, 1.5e9), 'trace.txt.gz: 42% of 1.5 GB read');
  assert.equal(readProgressLine('t', 1e6, 4e6), 't: 25% of 4 MB read');
});
