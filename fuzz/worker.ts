/**
 * Worker-thread entry: runs a range of one target's cases (harness.ts) and
 * posts the tally in batches. The current case index is written to shared
 * memory before each case, so the supervisor can tell which case hangs.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { newTally, runRange, type Tally } from './harness.js';
import type { TargetName } from './target.js';

/** What the supervisor hands the worker. */
export interface WorkerJob {
  readonly target: TargetName;
  readonly seed: number;
  readonly from: number;
  readonly count: number;
  readonly skip: readonly number[];
  readonly slowMs: number;
  readonly keep: number;
  /** Int32Array view: [0] = index of the case being run. */
  readonly progress: SharedArrayBuffer;
}

/** A message to the supervisor: the tally of the cases before `next`. */
export interface WorkerBatch {
  readonly type: 'batch' | 'done';
  readonly next: number;
  readonly tally: Tally;
}

/** Batches are posted after this many cases or milliseconds, whichever comes first. */
const BATCH_CASES = 5000;
const BATCH_MS = 500;

/** Move a tally's contents out, leaving it empty. */
function drain(t: Tally): Tally {
  const out = structuredClone(t);
  t.inputs = 0;
  t.crashes = 0;
  t.hangs = 0;
  t.skipped = 0;
  t.slowest = newTally().slowest;
  for (const k of Object.keys(t.kinds)) delete t.kinds[k];
  for (const k of Object.keys(t.codes)) delete t.codes[k];
  t.findings.length = 0;
  return out;
}

const job = workerData as WorkerJob;
const port = parentPort!;
const current = new Int32Array(job.progress);
let last = Date.now();
const tally = await runRange(job.target, job.seed, job.from, job.count, {
  slowMs: job.slowMs,
  keep: job.keep,
  skip: new Set(job.skip),
  onCase: (i, t) => {
    Atomics.store(current, 0, i);
    if (t.inputs >= BATCH_CASES || Date.now() - last >= BATCH_MS) {
      last = Date.now();
      port.postMessage({ type: 'batch', next: i, tally: drain(t) } satisfies WorkerBatch);
    }
  },
});
port.postMessage({ type: 'done', next: job.from + job.count, tally } satisfies WorkerBatch);
