/**
 * Sweep worker thread: takes points through the sweep's shared counter until
 * none is left, and posts each outcome back.
 *
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPoint } from './point.js';
import type { SweepThreadData } from './sweep.js';

const { base, points, claim } = workerData as SweepThreadData;
for (let i = Atomics.add(claim, 0, 1); i < points.length; i = Atomics.add(claim, 0, 1)) {
  parentPort!.postMessage({ index: points[i]!.index, outcome: runPoint(base, points[i]!.point) });
}
