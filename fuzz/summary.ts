/**
 * The run's summary: tallies merged per target, then printed as text or as
 * one JSON document (inputs per target, distinct error codes with counts,
 * crashes by signature with the known bug they belong to, hangs, slowest
 * input, wall time).
 *
 * @module
 */
import type { Finding, Tally } from './harness.js';
import { knownBug } from './known-bugs.js';
import type { TargetName } from './target.js';

/**
 * Add one tally into another.
 *
 * @param into - The running total (changed).
 * @param t - A batch.
 * @param keep - Findings kept per signature.
 * @remarks Context: any.
 */
export function mergeTally(into: Tally, t: Tally, keep: number): void {
  into.inputs += t.inputs;
  into.crashes += t.crashes;
  into.hangs += t.hangs;
  into.skipped += t.skipped;
  for (const [k, v] of Object.entries(t.kinds)) into.kinds[k] = (into.kinds[k] ?? 0) + v;
  for (const [k, v] of Object.entries(t.codes)) into.codes[k] = (into.codes[k] ?? 0) + v;
  if (t.slowest.ms > into.slowest.ms) into.slowest = t.slowest;
  for (const f of t.findings) {
    if (into.findings.filter((g) => g.code === f.code).length < Math.max(keep, 1)) into.findings.push(f);
  }
}

/** The whole run. */
export interface RunSummary {
  readonly seed: number;
  readonly wallMs: number;
  readonly targets: Partial<Record<TargetName, Tally>>;
  /** Paths of the saved crashing inputs. */
  readonly saved: readonly string[];
}

/** Crash and hang signatures over all targets, with counts and the targets they came from. */
function signatures(s: RunSummary): { code: string; count: number; targets: string[]; first: Finding | undefined }[] {
  const out = new Map<string, { code: string; count: number; targets: string[]; first: Finding | undefined }>();
  for (const [name, t] of Object.entries(s.targets)) {
    for (const f of t.findings) {
      const e = out.get(f.code) ?? { code: f.code, count: 0, targets: [], first: f };
      if (!e.targets.includes(name)) {
        e.targets.push(name);
        e.count += t.codes[f.code] ?? 0;
      }
      out.set(f.code, e);
    }
  }
  return [...out.values()].sort((a, b) => b.count - a.count);
}

/**
 * The summary as one JSON-able document.
 *
 * @param s - The run.
 * @returns The document.
 * @remarks Context: any.
 */
export function summaryDocument(s: RunSummary): Record<string, unknown> {
  const totals = { inputs: 0, crashes: 0, hangs: 0, skipped: 0 };
  const errorCodes: Record<string, number> = {};
  for (const t of Object.values(s.targets)) {
    totals.inputs += t.inputs;
    totals.crashes += t.crashes;
    totals.hangs += t.hangs;
    totals.skipped += t.skipped;
    for (const [k, v] of Object.entries(t.codes)) if (/^(InputError|ContractError|exit|skipped):/.test(k)) errorCodes[k] = (errorCodes[k] ?? 0) + v;
  }
  const slowest = Object.entries(s.targets).map(([target, t]) => ({ target, ...t.slowest })).sort((a, b) => b.ms - a.ms)[0];
  return {
    schemaVersion: 1,
    seed: s.seed,
    wallMs: Math.round(s.wallMs),
    ...totals,
    perTarget: Object.fromEntries(Object.entries(s.targets).map(([k, t]) => [k, { inputs: t.inputs, crashes: t.crashes, hangs: t.hangs, skipped: t.skipped, kinds: t.kinds, slowestMs: Math.round(t.slowest.ms) }])),
    errorCodes: Object.fromEntries(Object.entries(errorCodes).sort((a, b) => b[1] - a[1])),
    crashSignatures: signatures(s).map((g) => ({ signature: g.code, count: g.count, targets: g.targets, knownBug: knownBug(g.code)?.id ?? null, first: g.first === undefined ? null : { target: g.first.target, case: g.first.index, kind: g.first.kind, detail: g.first.detail.split('\n').slice(0, 3).join('\n') } })),
    slowest: slowest === undefined ? null : { target: slowest.target, case: slowest.index, kind: slowest.kind, ms: Math.round(slowest.ms) },
    saved: s.saved,
  };
}

/**
 * The summary as text.
 *
 * @param s - The run.
 * @returns Lines for the terminal.
 * @remarks Context: any.
 */
export function formatSummary(s: RunSummary): string {
  const d = summaryDocument(s) as { inputs: number; crashes: number; hangs: number; errorCodes: Record<string, number>; slowest: { target: string; case: number; kind: string; ms: number } | null };
  const out = [`swiotlb-lab fuzz: seed ${s.seed}, ${d.inputs} inputs in ${(s.wallMs / 1000).toFixed(1)} s`, ''];
  out.push('target    inputs  crashes  hangs  skipped  slowest');
  for (const [name, t] of Object.entries(s.targets)) {
    out.push(`${name.padEnd(8)}${String(t.inputs).padStart(8)}${String(t.crashes).padStart(9)}${String(t.hangs).padStart(7)}${String(t.skipped).padStart(9)}  ${t.slowest.ms.toFixed(1)} ms (#${t.slowest.index} ${t.slowest.kind})`);
  }
  out.push('', `error codes seen (${Object.keys(d.errorCodes).length} distinct):`);
  for (const [k, v] of Object.entries(d.errorCodes)) out.push(`  ${String(v).padStart(8)}  ${k}`);
  const sigs = signatures(s);
  out.push('', `crashes and hangs (${d.crashes} crashes, ${d.hangs} hangs, ${sigs.length} signatures):`);
  for (const g of sigs) {
    const bug = knownBug(g.code);
    out.push(`  ${String(g.count).padStart(8)}  ${bug !== undefined ? `[known ${bug.id}] ` : '[NEW] '}${g.code}`);
    if (g.first !== undefined) out.push(`            first: ${g.first.target} case ${g.first.index} (${g.first.kind}); reproduce: npm run fuzz -- --target ${g.first.target} --seed ${s.seed} --case ${g.first.index}`);
  }
  if (d.slowest !== null) out.push('', `slowest input: ${d.slowest.ms} ms (${d.slowest.target} case ${d.slowest.case}, ${d.slowest.kind})`);
  if (s.saved.length > 0) out.push(`saved ${s.saved.length} crashing inputs under fuzz/crashes/`);
  out.push('', d.crashes + d.hangs === 0 ? 'result: OK (0 crashes, 0 hangs)' : `result: FAIL (${d.crashes} crashes, ${d.hangs} hangs)`);
  return `${out.join('\n')}\n`;
}
