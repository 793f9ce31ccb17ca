/**
 * Per-thread scratch directory for inputs that must be files (replayTraceFile,
 * the CLI, readTrace by path, config files, kernel logs). Outside the
 * repository, in memory (/dev/shm) where there is one, removed at the end.
 *
 * @module
 */
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where scratch directories go: /dev/shm when writable, else the system's temp directory. Rewriting a
 * file on a disk file system costs about 0.2 ms (ext4 flushes a file truncated on open) against
 * 0.01 ms in memory, and the config and dmesg targets write one file per case.
 */
function scratchBase(): string {
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

let dir: string | null = null;
let next = 0;

/**
 * The scratch directory, created on first use.
 *
 * @returns Its path.
 * @remarks Context: process or worker context.
 */
export function scratchDir(): string {
  if (dir === null) dir = mkdtempSync(join(scratchBase(), 'swiotlb-lab-fuzz-'));
  return dir;
}

/**
 * Write bytes to a scratch file.
 *
 * @param name - Base name (a counter is added so files do not collide).
 * @param bytes - Content.
 * @param reuse - Overwrite the same slot each time instead of a new file.
 * @returns The file's path.
 * @remarks Context: process or worker context; synchronous write.
 */
export function scratchFile(name: string, bytes: Uint8Array, reuse = true): string {
  const path = join(scratchDir(), reuse ? name : `${next++}-${name}`);
  writeFileSync(path, bytes);
  return path;
}

/**
 * Remove the scratch directory and everything in it.
 *
 * @remarks Context: process or worker context.
 */
export function removeScratch(): void {
  if (dir !== null) rmSync(dir, { recursive: true, force: true });
  dir = null;
}
