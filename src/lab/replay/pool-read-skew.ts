/**
 * A pool line is a probe that reads every area's used count and index
 * without the area locks. Its place in the trace is where its ring-buffer
 * slot was reserved; the fields are fetched just after, and another CPU can
 * release slots in between (the release's own event then follows the pool
 * line), or have written an unmap's event just before the line and release
 * only after the read. So an area whose used count differs from the model's
 * by the slots of such a release, on another CPU within a few lines of the
 * line, is read on the other side of that release, not a wrong decision.
 * Only releases move this way: a release leaves the index alone, so the
 * index is always compared exactly.
 *
 * @module
 */
import type { ReplayMismatch } from './replay-types.js';

/** Trace lines on either side of a pool line within which another CPU's release may fall on the other side of its read. */
export const POOL_READ_SKEW_LINES = 8;

/** An area of a pool line that read fewer slots in use than the model had: waiting for the release after the line. */
interface Waiting {
  readonly area: number;
  readonly cpu: number;
  readonly deadline: number;
  need: number;
  readonly mismatch: ReplayMismatch;
}

/** What expired() returns when nothing expired (no allocation per event). */
const NONE: readonly ReplayMismatch[] = Object.freeze([]);

/** Tolerates the releases adjacent to a pool line's read, as described above. */
export class PoolReadSkew {
  /** Areas of pool lines that matched once an adjacent release was counted on the other side of the read. */
  explained = 0;
  /** The last releases, a ring of POOL_READ_SKEW_LINES: trace line, CPU, area, slots. */
  readonly #line = new Float64Array(POOL_READ_SKEW_LINES).fill(-Infinity);
  readonly #cpu = new Int32Array(POOL_READ_SKEW_LINES);
  readonly #area = new Int32Array(POOL_READ_SKEW_LINES);
  readonly #nslots = new Int32Array(POOL_READ_SKEW_LINES);
  #next = 0;
  #waiting: Waiting[] = [];

  /**
   * Whether a pool-line area waits for a release after its line.
   *
   * @returns true while expired() may have something to return.
   * @remarks Context: any.
   */
  get waiting(): boolean {
    return this.#waiting.length !== 0;
  }

  /**
   * Note a release the replay applied.
   *
   * @param line - Trace line of the unmap whose release it is.
   * @param cpu - CPU of the unmap.
   * @param area - Area of the released slots.
   * @param nslots - Slots released.
   * @returns Areas of earlier pool lines that this release explains (now matched).
   * @remarks Context: replay, single-threaded. No allocation unless a pool line is waiting.
   */
  released(line: number, cpu: number, area: number, nslots: number): number {
    const i = this.#next;
    this.#line[i] = line;
    this.#cpu[i] = cpu;
    this.#area[i] = area;
    this.#nslots[i] = nslots;
    this.#next = i + 1 === POOL_READ_SKEW_LINES ? 0 : i + 1;
    if (this.#waiting.length === 0) return 0;
    let matched = 0;
    for (const w of this.#waiting) {
      if (w.area !== area || w.cpu === cpu || line > w.deadline || w.need <= 0) continue;
      w.need -= nslots;
      if (w.need === 0) matched++;
    }
    if (matched > 0) {
      this.#waiting = this.#waiting.filter((w) => w.need !== 0);
      this.explained += matched;
    }
    return matched;
  }

  /**
   * Whether an area of a pool line that differs from the model only in its
   * used count is read on the other side of adjacent releases. When the
   * model has more in use, the releases may come just after the line: the
   * area then waits (see expired()).
   *
   * @param line - The pool line's line.
   * @param cpu - The pool line's CPU.
   * @param area - The area.
   * @param modelMinusKernel - Model's used count less the line's.
   * @param mismatch - The mismatch to report if no release explains it.
   * @returns 'matched' (releases just before the line explain it), 'waiting', or 'mismatch'.
   * @remarks Context: replay, at a pool line.
   */
  check(line: number, cpu: number, area: number, modelMinusKernel: number, mismatch: ReplayMismatch): 'matched' | 'waiting' | 'mismatch' {
    if (modelMinusKernel > 0) {
      this.#waiting.push({ area, cpu, deadline: line + POOL_READ_SKEW_LINES, need: modelMinusKernel, mismatch });
      return 'waiting';
    }
    // The model released slots the line still counts: the last releases in the area, nearest the line first.
    let sum = 0;
    for (let k = 1; k <= POOL_READ_SKEW_LINES; k++) {
      const i = (this.#next - k + POOL_READ_SKEW_LINES) % POOL_READ_SKEW_LINES;
      if (this.#line[i]! < line - POOL_READ_SKEW_LINES) break;
      if (this.#area[i] !== area || this.#cpu[i] === cpu) continue;
      sum += this.#nslots[i]!;
      if (sum === -modelMinusKernel) {
        this.explained++;
        return 'matched';
      }
    }
    return 'mismatch';
  }

  /**
   * The waiting areas no release explained in time.
   *
   * @param line - Line of the event about to be processed (Infinity at the end of the trace).
   * @returns Their mismatches, oldest first.
   * @remarks Context: replay, single-threaded.
   */
  expired(line: number): readonly ReplayMismatch[] {
    if (this.#waiting.length === 0 || this.#waiting[0]!.deadline >= line) return NONE;
    const out = this.#waiting.filter((w) => w.deadline < line).map((w) => w.mismatch);
    this.#waiting = this.#waiting.filter((w) => w.deadline >= line);
    return out;
  }
}
