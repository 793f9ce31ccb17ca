/**
 * A short, deterministic run of the fuzz harness (fuzz/) in the normal test
 * run: a few thousand inputs over the six targets (config files and kernel
 * logs included), each in a watched worker thread. It asserts no crash and no
 * hang, except the known bugs listed in fuzz/known-bugs.ts, which are reported
 * as skipped subtests until fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { superviseTarget } from '../fuzz/supervisor.js';
import { runRange, type Tally } from '../fuzz/harness.js';
import { knownBug } from '../fuzz/known-bugs.js';
import { TARGET_NAMES, type TargetName } from '../fuzz/target.js';

const SEED = 20250601;
const INPUTS: Readonly<Record<TargetName, number>> = { params: 1500, trace: 2000, replay: 100, cli: 80, config: 2000, dmesg: 1500 };

/** Crash and hang signatures of a tally, split into known bugs and new ones. */
function split(t: Tally): { known: Map<string, number>; unknown: string[] } {
  const known = new Map<string, number>();
  const unknown: string[] = [];
  for (const f of t.findings) {
    const bug = knownBug(f.code);
    if (bug === undefined) unknown.push(`${f.verdict} ${f.code} (case ${f.index}, ${f.kind}): ${f.detail.split('\n')[0] ?? ''}`);
    else known.set(bug.id, (known.get(bug.id) ?? 0) + (t.codes[f.code] ?? 0));
  }
  return { known, unknown: [...new Set(unknown)] };
}

for (const name of TARGET_NAMES) {
  test(`fuzz ${name}: ${INPUTS[name]} inputs (seed ${SEED}) end in a result or a structured error, never a crash or a hang`, async (t) => {
    const tally = await superviseTarget({ target: name, seed: SEED, from: 0, count: INPUTS[name], slowMs: 1000, hardMs: 20_000, keep: 1 });
    assert.equal(tally.inputs, INPUTS[name]);
    const { known, unknown } = split(tally);
    assert.deepEqual(unknown, [], `new crashes or hangs in ${name}; reproduce with npm run fuzz -- --target ${name} --seed ${SEED} --case N`);
    const hangs = tally.findings.filter((f) => f.verdict === 'hang' && knownBug(f.code) === undefined);
    assert.equal(hangs.length, 0);
    for (const [id, count] of known) {
      const bug = knownBug(tally.findings.find((f) => knownBug(f.code)?.id === id)!.code)!;
      await t.test(`known bug ${id}: ${bug.title}`, { skip: `known bug in src/, not fixed yet (${count} inputs): ${bug.where}` }, () => undefined);
    }
  });
}

test('fuzz harness: the same seed gives the same run', async () => {
  const a = await runRange('params', SEED, 0, 300, { slowMs: 60_000, keep: 0 });
  const b = await runRange('params', SEED, 0, 300, { slowMs: 60_000, keep: 0 });
  assert.deepEqual(a.codes, b.codes);
  assert.deepEqual(a.kinds, b.kinds);
});
