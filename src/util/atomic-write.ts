/**
 * Output files written atomically: into a temporary file beside the target,
 * renamed over it when complete, so a target is never half-written. A temporary
 * file still pending when the process exits normally or on an error is removed;
 * a signal that kills the process inside the write can leave only that
 * `<target>.tmp-<pid>` file.
 *
 * @module
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

const pending = new Set<string>();
let hooked = false;

function cleanup(): void {
  for (const p of pending) {
    try {
      unlinkSync(p);
    } catch {
      /* already gone */
    }
  }
  pending.clear();
}

/**
 * Write a file atomically from chunks.
 *
 * @param path - Target file.
 * @param chunks - Text pieces, written in order.
 * @throws the file system's error; the target is then untouched and no temporary file remains.
 * @remarks Context: process context.
 */
export function writeFileAtomic(path: string, chunks: Iterable<string>): void {
  if (!hooked) {
    process.on('exit', cleanup);
    hooked = true;
  }
  const tmp = `${path}.tmp-${process.pid}`;
  pending.add(tmp);
  let fd = -1;
  try {
    fd = openSync(tmp, 'w');
    for (const c of chunks) writeSync(fd, c);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    pending.delete(tmp);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    cleanup();
    throw e;
  }
}
