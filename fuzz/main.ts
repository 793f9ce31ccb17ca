/**
 * `npm run fuzz`: property-based and mutation fuzzing of the `swiotlb=`
 * parser and explain mode, the ftrace reader, the replay, the CLI, run
 * configuration files and the kernel-log (dmesg) reader. Each target runs in
 * a watched worker thread; the summary lists inputs per target, the error
 * codes seen, crashes by signature (known bugs marked), hangs and the slowest
 * input. Exit 1 on any crash or hang, 2 on bad options.
 *
 * @module
 */
import { clearCrashes, saveFindings } from './crashes.js';
import { parseFuzzArgs, type FuzzArgs } from './args.js';
import { makeCase, type Tally } from './harness.js';
import { superviseTarget } from './supervisor.js';
import { formatSummary, summaryDocument, type RunSummary } from './summary.js';
import type { TargetName } from './target.js';
import { TARGETS } from './targets/index.js';

/** Crashing inputs saved per signature, and in all. */
const KEEP_PER_SIGNATURE = 3;
const MAX_SAVED = 40;

/** Run one case in this thread and print it with its outcome (`--case`). */
async function runOne(a: FuzzArgs, name: TargetName, index: number): Promise<number> {
  const target = TARGETS[name];
  await target.init(a.seed);
  const c = makeCase(target, a.seed, index);
  const t0 = performance.now();
  const o = await target.run(c);
  const ms = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ target: name, case: index, seed: a.seed, kind: c.kind, input: target.save(c).meta, outcome: o, ms: Math.round(ms) }, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v), 2)}\n`);
  target.dispose();
  return o.verdict === 'crash' || ms > a.slowMs ? 1 : 0;
}

async function run(a: FuzzArgs): Promise<number> {
  if (a.caseIndex !== null) return runOne(a, a.targets[0]!, a.caseIndex);
  const start = performance.now();
  const targets: Partial<Record<TargetName, Tally>> = {};
  for (const name of a.targets) {
    const count = a.inputs[name] ?? 0;
    let shown = 0;
    targets[name] = await superviseTarget({
      target: name, seed: a.seed, from: 0, count, slowMs: a.slowMs, hardMs: a.hardMs, keep: KEEP_PER_SIGNATURE,
      onProgress: (t) => {
        if (t.inputs - shown >= count / 10 || t.inputs === count) {
          shown = t.inputs;
          process.stderr.write(`fuzz ${name}: ${t.inputs}/${count} inputs, ${t.crashes} crashes, ${t.hangs} hangs, ${((performance.now() - start) / 1000).toFixed(0)} s\n`);
        }
      },
    });
  }
  clearCrashes();
  const findings = Object.values(targets).flatMap((t) => t.findings);
  const saved = saveFindings(findings, a.seed, MAX_SAVED);
  const summary: RunSummary = { seed: a.seed, wallMs: performance.now() - start, targets, saved };
  process.stdout.write(a.json ? `${JSON.stringify(summaryDocument(summary), null, 2)}\n` : formatSummary(summary));
  return Object.values(targets).some((t) => t.crashes + t.hangs > 0) ? 1 : 0;
}

let args: FuzzArgs;
try {
  args = parseFuzzArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`fuzz: ${(e as Error).message}\n`);
  process.exit(2);
}
process.exitCode = await run(args);
