/**
 * A cache of task columns (`    kworker/u4:0-9       ` before ` [cpu]`):
 * nearly every line repeats a recent column byte for byte, so comparing the
 * bytes with a cached column gives the task name and pid without parsing.
 *
 * @module
 */
import { BytePattern } from './keys.js';
import { hashStep, setIndex } from './strings.js';

/** A task column seen before: its exact bytes up to the CPU column, task name and pid. */
export interface TaskColumn {
  readonly prefix: BytePattern;
  readonly task: string;
  readonly pid: number;
}

/**
 * Cache set of the column `b[start, open)`, from its length and a few bytes.
 *
 * @param b - The bytes.
 * @param start - Line start.
 * @param open - Index of the CPU column's '[' (open - start >= 3).
 * @returns 0..255.
 * @remarks Context: any; hot path.
 */
function columnSet(b: Uint8Array, start: number, open: number): number {
  const len = open - start;
  let h = hashStep(hashStep(hashStep(len, b[open - 2]!), b[open - 3]!), b[start + (len >> 1)]!);
  h = hashStep(h, b[start + (len >> 2)]!);
  return setIndex(h, len);
}

/** A two-way set-associative cache of task columns (newest and previous per set). */
export class TaskColumns {
  private readonly way0: (TaskColumn | undefined)[] = new Array<TaskColumn | undefined>(256).fill(undefined);
  private readonly way1: (TaskColumn | undefined)[] = new Array<TaskColumn | undefined>(256).fill(undefined);

  /**
   * The cached column equal, byte for byte, to `b[start, open)`.
   *
   * @param view - DataView over b's bytes.
   * @param b - The bytes.
   * @param start - Line start.
   * @param open - Index of the first '[' of the line.
   * @returns The column, or undefined when not cached.
   * @remarks Context: any; hot path (no allocation).
   */
  find(view: DataView, b: Uint8Array, start: number, open: number): TaskColumn | undefined {
    const len = open - start;
    if (len < 3) return undefined;
    const set = columnSet(b, start, open);
    const w0 = this.way0[set];
    if (w0 !== undefined && w0.prefix.length === len && w0.prefix.at(view, b, start, open)) return w0;
    const w1 = this.way1[set];
    if (w1 !== undefined && w1.prefix.length === len && w1.prefix.at(view, b, start, open)) return w1;
    return undefined;
  }

  /**
   * Remember a parsed column.
   *
   * @param b - The bytes.
   * @param start - Line start.
   * @param open - Index of the CPU column's '['.
   * @param task - Task name.
   * @param pid - Pid.
   * @returns The new entry.
   * @remarks Context: any.
   */
  add(b: Uint8Array, start: number, open: number, task: string, pid: number): TaskColumn {
    const column: TaskColumn = { prefix: new BytePattern(b.subarray(start, open)), task, pid };
    if (open - start >= 3) {
      const set = columnSet(b, start, open);
      this.way1[set] = this.way0[set];
      this.way0[set] = column;
    }
    return column;
  }
}
