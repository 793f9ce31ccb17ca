/**
 * Run a range of cases of one target in this thread and tally them: codes
 * seen, crashes grouped by signature (the first few with their input),
 * inputs slower than the time budget, and the slowest input. A case slower
 * than the budget runs once more and is a hang only if both runs are slow.
 *
 * @module
 */
import type { Outcome } from './outcome.js';
import { caseSeed, Rng } from './rng.js';
import type { FuzzCase, SavedInput, Target, TargetName } from './target.js';
import { TARGETS } from './targets/index.js';

/** A crashing or hanging case, with what is needed to reproduce it. */
export interface Finding {
  readonly target: TargetName;
  readonly index: number;
  readonly kind: string;
  readonly verdict: 'crash' | 'hang';
  readonly code: string;
  readonly detail: string;
  readonly ms: number;
  readonly saved: SavedInput | null;
}

/** Counts over a range of cases (mergeable). */
export interface Tally {
  inputs: number;
  readonly kinds: Record<string, number>;
  /** Outcome codes (errors and `ok`), crash signatures and `hang`, with counts. */
  readonly codes: Record<string, number>;
  crashes: number;
  hangs: number;
  skipped: number;
  slowest: { ms: number; index: number; kind: string };
  /** Crashes and hangs with inputs (at most `keep` per signature). */
  readonly findings: Finding[];
}

/**
 * An empty tally.
 *
 * @returns The tally.
 * @remarks Context: any.
 */
export function newTally(): Tally {
  return { inputs: 0, kinds: {}, codes: {}, crashes: 0, hangs: 0, skipped: 0, slowest: { ms: 0, index: -1, kind: '' }, findings: [] };
}

/**
 * Make case i of a target.
 *
 * @param target - The target (initialised).
 * @param seed - Run seed.
 * @param index - Case index.
 * @returns The case.
 * @remarks Context: any; deterministic in (seed, index).
 */
export function makeCase(target: Target<unknown>, seed: number, index: number): FuzzCase<unknown> {
  return target.generate(new Rng(caseSeed(seed, target.salt, index)));
}

/**
 * Count one outcome.
 *
 * @param t - The tally.
 * @param target - The target.
 * @param index - Case index.
 * @param c - The case (saved for a crash or hang).
 * @param o - Its outcome.
 * @param ms - How long it took.
 * @param slowMs - Budget: slower cases are hangs.
 * @param keep - Findings kept per signature.
 * @remarks Context: any.
 */
export function record(t: Tally, target: Target<unknown>, index: number, c: FuzzCase<unknown>, o: Outcome, ms: number, slowMs: number, keep: number): void {
  t.inputs++;
  t.kinds[c.kind] = (t.kinds[c.kind] ?? 0) + 1;
  if (ms > t.slowest.ms) t.slowest = { ms, index, kind: c.kind };
  const verdict = o.verdict === 'crash' ? 'crash' : ms > slowMs ? 'hang' : null;
  const code = verdict === 'hang' ? `hang:${o.note ?? c.kind}` : o.code;
  t.codes[code] = (t.codes[code] ?? 0) + 1;
  if (o.verdict === 'skipped') t.skipped++;
  if (verdict === null) return;
  if (verdict === 'crash') t.crashes++;
  else t.hangs++;
  const seen = t.findings.filter((f) => f.code === code).length;
  const saved = seen < keep ? target.save(c) : null;
  if (seen < Math.max(keep, 1)) {
    t.findings.push({ target: target.name, index, kind: c.kind, verdict, code, detail: o.detail ?? `${Math.round(ms)} ms (${o.code})`, ms, saved });
  }
}

/**
 * Run cases [from, from + count) of a target, skipping some indices.
 *
 * @param name - Target name.
 * @param seed - Run seed.
 * @param from - First case index.
 * @param count - Number of cases.
 * @param opts - Time budget per case, findings kept per signature, indices to skip, progress callback.
 * @returns The tally.
 * @remarks Context: process or worker context; one case at a time.
 */
export async function runRange(
  name: TargetName,
  seed: number,
  from: number,
  count: number,
  opts: { slowMs: number; keep: number; skip?: ReadonlySet<number>; onCase?: (index: number, t: Tally) => void },
): Promise<Tally> {
  const target = TARGETS[name];
  await target.init(seed);
  const t = newTally();
  try {
    for (let i = from; i < from + count; i++) {
      opts.onCase?.(i, t);
      if (opts.skip?.has(i) === true) continue;
      const c = makeCase(target, seed, i);
      let t0 = performance.now();
      const o = await target.run(c);
      let ms = performance.now() - t0;
      if (ms > opts.slowMs && o.verdict !== 'crash') {
        // Confirm a slow case once (a GC pause or a busy shared core is not a hang): keep the faster time.
        t0 = performance.now();
        await target.run(makeCase(target, seed, i));
        ms = Math.min(ms, performance.now() - t0);
      }
      record(t, target, i, c, o, ms, opts.slowMs, opts.keep);
    }
  } finally {
    target.dispose();
  }
  return t;
}
