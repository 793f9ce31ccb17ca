/**
 * What the replay of an entry capture (no in-lock probes) remembers around
 * the map it is deciding: the events held back for lookahead, the last
 * releases it applied (and which may not have happened yet), and the last
 * maps it committed. entry-order.ts uses them to try the lock orders the
 * trace allows.
 *
 * @module
 */
import type { TraceEvent } from '../trace/trace-event.js';
import type { RecentCommit, RecentRelease } from './entry-order.js';

/** Releases and commits remembered for the order search (more than any pending map's window holds in practice). */
const RECENT = 64;

/** The recent past, and the held-back future, of an entry capture's replay. */
export class EntryWindow {
  /** Events held back (from #head on), and how many at most. */
  readonly #ahead: TraceEvent[] = [];
  #head = 0;
  readonly #lookahead: number;
  readonly #releases: RecentRelease[] = [];
  /** Per CPU, its last release while that CPU has written nothing since. */
  readonly #open = new Map<number, RecentRelease>();
  readonly #commits: RecentCommit[] = [];
  /** The last commit's number per area. */
  /** Releases and commits so far. */
  releaseSeq = 0;
  commitSeq = 0;

  /**
   * @param lookahead - Events to hold back (0: none).
   */
  constructor(lookahead: number) {
    this.#lookahead = lookahead;
  }

  /**
   * Hold an event back; the one that leaves the window, if any, is to be processed now.
   *
   * @param ev - The newest event.
   * @returns The oldest held event once the window is full, else null.
   * @remarks Context: replay (entry captures, lookahead on).
   */
  hold(ev: TraceEvent): TraceEvent | null {
    if (this.#lookahead === 0) return ev;
    this.#ahead.push(ev);
    if (this.#ahead.length - this.#head <= this.#lookahead) return null;
    const out = this.#ahead[this.#head++]!;
    if (this.#head > 4096 && this.#head * 2 > this.#ahead.length) {
      this.#ahead.splice(0, this.#head);
      this.#head = 0;
    }
    return out;
  }

  /**
   * Put events right after one still held back (a map's result that belongs
   * right after its entry, known only later).
   *
   * @param at - An event handed to hold() and not yet returned by it.
   * @param events - The events to put after it, in order.
   * @returns false when `at` is not held back any more (nothing changed).
   * @remarks Context: replay, single-threaded. Searches from the newest event back.
   */
  insertAfter(at: TraceEvent, events: readonly TraceEvent[]): boolean {
    for (let i = this.#ahead.length - 1; i >= this.#head; i--) {
      if (this.#ahead[i] !== at) continue;
      this.#ahead.splice(i + 1, 0, ...events);
      return true;
    }
    return false;
  }

  /**
   * The next held event, oldest first (at the end of the trace).
   *
   * @returns It, or undefined when none is left.
   */
  release(): TraceEvent | undefined {
    if (this.#head < this.#ahead.length) return this.#ahead[this.#head++];
    this.#ahead.length = 0;
    this.#head = 0;
    return undefined;
  }

  /**
   * The kernel's result of a map pending on a CPU, when its return is among the held events.
   *
   * @param cpu - Its CPU.
   * @param above - Maps pending above it on that CPU (they return first).
   * @returns The bounce address or -1, or undefined when the return is not in sight.
   */
  resultInSight(cpu: number, above: number): number | undefined {
    let depth = above;
    for (let i = this.#head; i < this.#ahead.length; i++) {
      const e = this.#ahead[i]!;
      if (e.cpu !== cpu) continue;
      if (e.kind === 'map_single') depth++;
      else if (e.kind === 'map_single_ret') {
        if (depth === 0) return e.ret;
        depth--;
      }
    }
    return undefined;
  }

  /**
   * A CPU wrote an event: its last release has happened by now.
   *
   * @param cpu - The CPU.
   */
  heardFrom(cpu: number): void {
    if (this.#open.size === 0) return;
    const r = this.#open.get(cpu);
    if (r === undefined) return;
    r.open = false;
    this.#open.delete(cpu);
  }

  /**
   * Remember a release applied at an unmap's entry.
   *
   * @param r - The release, without its sequence number and open flag.
   */
  released(r: Omit<RecentRelease, 'seq' | 'open'>): void {
    const rel: RecentRelease = { seq: ++this.releaseSeq, cpu: r.cpu, open: true, index: r.index, nslots: r.nslots, size: r.size, off: r.off };
    this.#releases.push(rel);
    if (this.#releases.length > RECENT) this.#releases.shift();
    this.#open.set(r.cpu, rel);
  }

  /**
   * Remember a map committed at its return.
   *
   * @param c - The commit, without its sequence number.
   */
  committed(c: Omit<RecentCommit, 'seq'>): void {
    const seq = ++this.commitSeq;
    this.#commits.push({ seq, cpu: c.cpu, index: c.index, nslots: c.nslots, searchSize: c.searchSize, inSlot: c.inSlot, area: c.area, indexBefore: c.indexBefore });
    if (this.#commits.length > RECENT) this.#commits.shift();
  }

  /**
   * Releases that may have come after the lock of a map that entered at `releaseSeq` on `cpu`.
   *
   * @param releaseSeq - Releases applied before the map entered.
   * @param cpu - The map's CPU.
   * @returns Those applied since, and other CPUs' still open ones, oldest first.
   */
  releasesFor(releaseSeq: number, cpu: number): RecentRelease[] {
    return this.#releases.filter((r) => r.seq > releaseSeq || (r.open && r.cpu !== cpu));
  }

  /**
   * Other CPUs' commits since a map entered.
   *
   * @param commitSeq - Commits before the map entered.
   * @param cpu - The map's CPU.
   * @returns Them, oldest first.
   */
  commitsFor(commitSeq: number, cpu: number): RecentCommit[] {
    return this.#commits.filter((c) => c.seq > commitSeq && c.cpu !== cpu);
  }

  /**
   * Whether an area's index is where a map committed after `commitSeq` left
   * it (the index then belongs to that later map, not to a drifted state).
   *
   * @param area - Area.
   * @param commitSeq - Commits applied before the map in question entered.
   * @param index - The area's current index (area-local).
   * @param areaNslabs - Slots per area.
   * @returns true when a later commit in the area ends at `index`.
   * @remarks Context: replay.
   */
  indexFromCommitSince(area: number, commitSeq: number, index: number, areaNslabs: number): boolean {
    for (let i = this.#commits.length - 1; i >= 0; i--) {
      const c = this.#commits[i]!;
      if (c.seq <= commitSeq) break;
      if (c.area !== area) continue;
      const end = c.index - area * areaNslabs + c.nslots;
      if ((end < areaNslabs ? end : 0) === index) return true;
    }
    return false;
  }
}
