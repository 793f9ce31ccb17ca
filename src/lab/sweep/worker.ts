/**
 * Sweep worker thread: runs the points it is sent and posts each outcome back.
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { runPoint } from './point.js';

parentPort!.on('message', (msg: { index: number; base: Record<string, unknown>; point: Record<string, unknown> } | null) => {
  if (msg === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage({ index: msg.index, outcome: runPoint(msg.base, msg.point) });
});
// Loaded and ready: the sweep sends points only now, so the main thread is not left waiting on a thread that is still booting.
parentPort!.postMessage({ ready: true });
