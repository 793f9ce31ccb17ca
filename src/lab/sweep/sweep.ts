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
}

/**
 * Run the points of one shard.
 *
 * @param o - Base config, axes, workers, shard.
 * @returns The shard's result.
 * @remarks Context: process context; spawns workers when o.workers > 1.
 */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const all = expandGrid(o.axes);
  const mine = all.map((point, index) => ({ index, point })).filter((p) => p.index % o.shard.count === o.shard.index - 1);
  const out: SweepResult['points'] = [];
  let done = 0;
  if (o.workers <= 1) {
    for (const p of mine) {
      out.push({ ...p, outcome: runPoint(o.base, p.point) });
      o.progress?.(++done, mine.length);
    }
  } else {
    const queue = [...mine];
    const byIndex = new Map(mine.map((p) => [p.index, p.point]));
    await Promise.all(
      Array.from({ length: Math.min(o.workers, mine.length) }, async () => {
        const w = new Worker(new URL('./worker-boot.mjs', import.meta.url));
        try {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const msg = await new Promise<{ index: number; outcome: PointOutcome }>((resolve, reject) => {
              w.once('message', resolve);
              w.once('error', reject);
              w.postMessage({ index: next.index, base: o.base, point: next.point });
            });
            out.push({ index: msg.index, point: byIndex.get(msg.index)!, outcome: msg.outcome });
            o.progress?.(++done, mine.length);
          }
        } finally {
          await w.terminate();
        }
      }),
    );
  }
  out.sort((a, b) => a.index - b.index);
  return { schemaVersion: 1, base: o.base, axes: o.axes, total: all.length, shard: o.shard, points: out };
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
