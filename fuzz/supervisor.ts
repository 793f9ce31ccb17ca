/**
 * Run one target's cases in a worker thread and watch it: a case that does
 * not finish within the hard limit (a synchronous infinite loop, or a promise
 * that never settles) is a hang; the worker is terminated, the case recorded
 * and skipped, and a new worker resumes after the last batch it reported.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { makeCase, newTally, type Tally } from './harness.js';
import type { WorkerBatch, WorkerJob } from './worker.js';
import { mergeTally } from './summary.js';
import type { TargetName } from './target.js';
import { TARGETS } from './targets/index.js';

/** Options of {@link superviseTarget}. */
export interface SuperviseOptions {
  readonly target: TargetName;
  readonly seed: number;
  readonly from: number;
  readonly count: number;
  /** Slower cases are reported as hangs. */
  readonly slowMs: number;
  /** A case still running after this long is killed and reported as a hang. */
  readonly hardMs: number;
  /** Findings kept per signature. */
  readonly keep: number;
  /** Called with the running total after each batch. */
  readonly onProgress?: (t: Tally) => void;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;
const TSX_API = import.meta.resolve('tsx/esm/api');
/** Workers do not inherit tsx's loader: register it, then load the worker module. */
const BOOT = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

type Ended = { readonly how: 'done' } | { readonly how: 'hang' | 'died'; readonly index: number; readonly why: string };

/** Run one worker until it finishes, dies, or hangs; merge its batches into `total`. */
function runWorker(job: WorkerJob, o: SuperviseOptions, total: Tally, resume: { next: number }): Promise<Ended> {
  const current = new Int32Array(job.progress);
  Atomics.store(current, 0, job.from);
  return new Promise((resolve) => {
    const worker = new Worker(BOOT, { eval: true, workerData: job });
    let seen = -1;
    let since = Date.now();
    let settled = false;
    const finish = (e: Ended): void => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      void worker.terminate();
      resolve(e);
    };
    const watch = setInterval(() => {
      const i = Atomics.load(current, 0);
      if (i !== seen) {
        seen = i;
        since = Date.now();
      } else if (Date.now() - since > o.hardMs) finish({ how: 'hang', index: i, why: `still running after ${o.hardMs} ms (terminated)` });
    }, 100);
    worker.on('message', (m: WorkerBatch) => {
      mergeTally(total, m.tally, o.keep);
      resume.next = m.next;
      o.onProgress?.(total);
      if (m.type === 'done') finish({ how: 'done' });
    });
    worker.on('error', (e) => finish({ how: 'died', index: Atomics.load(current, 0), why: `worker died: ${e.stack ?? e.message}` }));
    worker.on('exit', (code) => finish({ how: 'died', index: Atomics.load(current, 0), why: `worker exited with code ${code}` }));
  });
}

/**
 * Run cases [from, from + count) of a target under a watchdog.
 *
 * @param o - Target, seed, range, budgets.
 * @returns The merged tally, hangs and worker deaths included.
 * @remarks Context: process context; one worker at a time.
 */
export async function superviseTarget(o: SuperviseOptions): Promise<Tally> {
  const total = newTally();
  const skip: number[] = [];
  const resume = { next: o.from };
  const end = o.from + o.count;
  while (resume.next < end) {
    const job: WorkerJob = { target: o.target, seed: o.seed, from: resume.next, count: end - resume.next, skip, slowMs: o.slowMs, keep: o.keep, progress: new SharedArrayBuffer(4) };
    const ended = await runWorker(job, o, total, resume);
    if (ended.how === 'done') break;
    // Count the case that hung or killed the worker, with its input, then go on after it.
    const target = TARGETS[o.target];
    await target.init(o.seed);
    const c = makeCase(target, o.seed, ended.index);
    target.dispose();
    const verdict = ended.how === 'hang' ? 'hang' : 'crash';
    const code = ended.how === 'hang' ? `hang:killed:${c.kind}` : `worker-died:${c.kind}`;
    mergeTally(total, { ...newTally(), inputs: 1, kinds: { [c.kind]: 1 }, codes: { [code]: 1 }, crashes: verdict === 'crash' ? 1 : 0, hangs: verdict === 'hang' ? 1 : 0, slowest: { ms: o.hardMs, index: ended.index, kind: c.kind }, findings: [{ target: o.target, index: ended.index, kind: c.kind, verdict, code, detail: ended.why, ms: o.hardMs, saved: target.save(c) }] }, o.keep);
    skip.push(ended.index);
  }
  return total;
}
