/**
 * Run a sweep over a grid on worker threads. Points are numbered by the grid,
 * results are ordered by that number, so the output is byte-identical for
 * any worker count and any split into shards (merged back with mergeSweeps).
 *
 * @module
 */
import { Worker } from 'node:worker_threads';
import { expandGrid, type Axis } from './grid.js';
import { runPoint, type PointOutcome } from './point.js';
import { InputError } from '../../util/errors.js';

/** The document a sweep (or a shard of one) produces. */
export interface SweepResult {
  schemaVersion: 1;
  base: Record<string, unknown>;
  axes: Axis[];
  /** Number of points in the whole grid. */
  total: number;
  shard: { index: number; count: number };
  points: { index: number; point: Record<string, string | number | boolean>; outcome: PointOutcome }[];
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  base: Record<string, unknown>;
  axes: Axis[];
  workers: number;
  shard: { index: number; count: number };
  /** Progress callback (done, total). */
  progress?: (done: number, total: number) => void;
  /** false: run every point on worker threads, `workers` of them (default true: the calling thread is one of the workers). */
  mainThreadRuns?: boolean;
}

/**
 * Run the points of one shard.
 *
 * @param o - Base config, axes, workers, shard.
 * @returns The shard's result.
 * @remarks Context: process context; runs points on the calling thread and, when o.workers > 1, on o.workers - 1 worker threads.
 */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const all = expandGrid(o.axes);
  const mine = all.map((point, index) => ({ index, point })).filter((p) => p.index % o.shard.count === o.shard.index - 1);
  const out: SweepResult['points'] = [];
  // The sweep is over when every point's outcome is in (a thread still booting then is stopped), or when a thread fails.
  let allIn!: () => void;
  let failed!: (e: unknown) => void;
  const complete = new Promise<void>((resolve, reject) => {
    allIn = resolve;
    failed = reject;
  });
  const finished = (index: number, point: SweepPoint['point'], outcome: PointOutcome): void => {
    out.push({ index, point, outcome });
    o.progress?.(out.length, mine.length);
    if (out.length === mine.length) allIn();
  };
  if (mine.length === 0) allIn();
  // The main thread is one of the workers: `workers` 2 starts one thread, so a short sweep never waits for threads to boot.
  // Every worker takes the next point itself through a shared counter when it is free, so no point waits behind a
  // long one in a busy thread's queue, and a thread still booting when the points run out takes none.
  const local = o.mainThreadRuns ?? true;
  const workers = Math.max(1, Math.min(o.workers, mine.length));
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const threads = Array.from({ length: local ? workers - 1 : workers }, () => new SweepThread({ base: o.base, points: mine, claim }, finished, failed));
  try {
    if (local) {
      for (let i = Atomics.add(claim, 0, 1); i < mine.length; i = Atomics.add(claim, 0, 1)) {
        const next = mine[i]!;
        finished(next.index, next.point, runPoint(o.base, next.point));
        // Let the threads' results in between two local points (progress stays current).
        if (threads.length > 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await complete;
  } finally {
    await Promise.all(threads.map((t) => t.stop()));
  }
  out.sort((a, b) => a.index - b.index);
  return { schemaVersion: 1, base: o.base, axes: o.axes, total: all.length, shard: o.shard, points: out };
}

type SweepPoint = SweepResult['points'][number];

/** What a sweep thread is started with (its workerData). */
export interface SweepThreadData {
  base: Record<string, unknown>;
  points: Omit<SweepPoint, 'outcome'>[];
  /** Index into points of the next point to take (shared by every worker; taken with Atomics.add). */
  claim: Int32Array;
}

/**
 * One worker thread taking points through the shared counter until none is left.
 */
class SweepThread {
  readonly #w: Worker;

  /**
   * @param data - Base config, the shard's points and the shared counter.
   * @param finished - Called with each point's outcome.
   * @param failed - Called if the thread fails (an error, or a stop with a non-zero code) before the sweep is over.
   */
  constructor(data: SweepThreadData, finished: (index: number, point: SweepPoint['point'], outcome: PointOutcome) => void, failed: (e: unknown) => void) {
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data });
    this.#w = w;
    const byIndex = new Map(data.points.map((p) => [p.index, p.point] as const));
    w.on('message', (msg: { index: number; outcome: PointOutcome }) => finished(msg.index, byIndex.get(msg.index)!, msg.outcome));
    w.once('error', failed);
    w.once('exit', (code) => {
      if (code !== 0) failed(new Error(`a sweep worker stopped with exit code ${code}`));
    });
  }

  /**
   * Stop the thread (it has no point left to run once every outcome is in).
   *
   * @returns Resolves when it has stopped.
   */
  async stop(): Promise<void> {
    this.#w.removeAllListeners('exit');
    await this.#w.terminate();
  }
}

/**
 * Merge shards of one sweep into the document an unsharded run gives.
 *
 * @param parts - Shard results.
 * @returns The merged result (shard 1/1).
 * @throws InputError (code `bad_merge`) when the parts are from different sweeps, overlap or leave points out.
 * @remarks Context: any.
 */
export function mergeSweeps(parts: SweepResult[]): SweepResult {
  if (parts.length === 0) throw new InputError('bad_merge', 'Nothing to merge');
  const first = parts[0]!;
  const key = JSON.stringify([first.base, first.axes, first.total]);
  const points = new Map<number, SweepResult['points'][number]>();
  for (const p of parts) {
    if (p.schemaVersion !== 1 || JSON.stringify([p.base, p.axes, p.total]) !== key) throw new InputError('bad_merge', 'Cannot merge shards of different sweeps (base config, grid or size differ)');
    for (const pt of p.points) {
      if (points.has(pt.index)) throw new InputError('bad_merge', `Point ${pt.index} appears in two shards`);
      points.set(pt.index, pt);
    }
  }
  if (points.size !== first.total) throw new InputError('bad_merge', `The shards hold ${points.size} of ${first.total} points: some shards are missing`);
  return { ...first, shard: { index: 1, count: 1 }, points: [...points.values()].sort((a, b) => a.index - b.index) };
}
