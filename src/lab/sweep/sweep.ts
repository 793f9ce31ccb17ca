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
  let done = 0;
  const finished = (index: number, point: SweepPoint['point'], outcome: PointOutcome): void => {
    out.push({ index, point, outcome });
    o.progress?.(++done, mine.length);
  };
  // The main thread is one of the workers: `workers` 2 starts one thread, so a short sweep never waits for threads to boot.
  const queue = [...mine];
  const local = o.mainThreadRuns ?? true;
  const workers = Math.max(1, Math.min(o.workers, mine.length));
  const threads = Array.from({ length: local ? workers - 1 : workers }, () => new SweepThread(o.base, queue, finished, workers));
  for (let next = local ? queue.shift() : undefined; next !== undefined; next = queue.shift()) {
    finished(next.index, next.point, runPoint(o.base, next.point));
    // Let the threads' results in (and hand them their next points) between two local points.
    if (threads.length > 0) await new Promise((resolve) => setImmediate(resolve));
  }
  for (const t of threads) t.stopIfIdle();
  await Promise.all(threads.map((t) => t.done));
  out.sort((a, b) => a.index - b.index);
  return { schemaVersion: 1, base: o.base, axes: o.axes, total: all.length, shard: o.shard, points: out };
}

type SweepPoint = SweepResult['points'][number];

/** Most points a thread holds at once (it runs one while the others wait in its port). */
const MAX_IN_FLIGHT = 4;

/**
 * One worker thread running points from a shared queue until it is empty.
 */
class SweepThread {
  readonly #w: Worker;
  readonly #sent = new Map<number, SweepPoint['point']>();
  readonly #queue: Omit<SweepPoint, 'outcome'>[];
  /** Resolves when the thread has stopped with every point it took finished; rejects if it failed. */
  readonly done: Promise<void>;

  /**
   * @param base - Base config.
   * @param queue - Points left (shared with the other workers; taken from the front).
   * @param finished - Called with each point's outcome.
   * @param workers - Workers sharing the queue (the main thread included).
   */
  constructor(base: Record<string, unknown>, queue: Omit<SweepPoint, 'outcome'>[], finished: (index: number, point: SweepPoint['point'], outcome: PointOutcome) => void, workers: number) {
    const w = new Worker(new URL('./worker-boot.mjs', import.meta.url));
    this.#w = w;
    this.#queue = queue;
    const sent = this.#sent;
    this.done = new Promise<void>((resolve, reject) => {
      // Points are sent once the thread is ready. A thread holds its share of what is left (at most MAX_IN_FLIGHT):
      // the main thread hands out points only between two of its own, so a thread must not run dry meanwhile,
      // and near the end no thread sits on points another could start at once.
      const feed = (): void => {
        while (sent.size < Math.max(1, Math.min(MAX_IN_FLIGHT, Math.floor((queue.length + sent.size) / workers)))) {
          const next = queue.shift();
          if (next === undefined) break;
          sent.set(next.index, next.point);
          w.postMessage({ index: next.index, base, point: next.point });
        }
        if (sent.size === 0) void w.terminate();
      };
      w.on('message', (msg: { index: number; outcome: PointOutcome } | { ready: true }) => {
        if ('ready' in msg) return feed();
        const point = sent.get(msg.index)!;
        sent.delete(msg.index);
        finished(msg.index, point, msg.outcome);
        feed();
      });
      w.once('error', reject);
      w.once('exit', () => (sent.size === 0 ? resolve() : reject(new Error(`a sweep worker stopped with ${sent.size} point(s) unfinished`))));
    });
    // A failure is reported where the sweep awaits this; until then it must not count as unhandled.
    this.done.catch(() => {});
  }

  /** Stop the thread if the queue is empty and it holds no point (the queue ran dry before it was ready). */
  stopIfIdle(): void {
    if (this.#queue.length === 0 && this.#sent.size === 0) void this.#w.terminate();
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
