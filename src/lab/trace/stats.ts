/**
 * What one read of a trace saw: line, event, unknown-event, lost-event and
 * malformed-line counts, plus input sizes. Collected with cheap counters on
 * the hot path and turned into a plain JSON-friendly object at the end.
 *
 * @module
 */
import type { InputError } from '../../util/errors.js';

/** How many malformed lines are kept as examples in lenient mode. */
export const MALFORMED_EXAMPLES = 5;

/** One malformed line skipped in lenient mode. */
export interface MalformedExample {
  /** 1-based line number. */
  readonly line: number;
  /** InputError code (`bad_line`, `missing_field`, `bad_number`, ...). */
  readonly code: string;
  /** The error message (with file:line). */
  readonly message: string;
}

/** The result of readTrace(): everything the reader counted. */
export interface TraceReadStats {
  /** The file name used in errors. */
  readonly file: string;
  /** Whether the input was gzip (detected by its magic bytes). */
  readonly gzip: boolean;
  /** Bytes read from the input (compressed bytes for gzip). */
  readonly bytesRead: number;
  /** Bytes of trace text (after gunzip). */
  readonly textBytes: number;
  /** Lines seen, including a final line without a newline. */
  readonly lines: number;
  readonly blankLines: number;
  /** `#` comments and trace-cmd header lines (`cpus=2`). */
  readonly commentLines: number;
  /** Events the ring buffer overwrote before the trace was read: entries-written minus entries-in-buffer of the ftrace header (0 without one). */
  readonly overwritten: number;
  /** Events delivered to onEvent. */
  readonly events: number;
  /** Delivered events by kind (kinds never seen are absent). */
  readonly eventsByKind: Readonly<Record<string, number>>;
  /** Event lines skipped because no parser knows their event name. */
  readonly unknownEvents: number;
  readonly unknownByName: Readonly<Record<string, number>>;
  /** `CPU:N [LOST M EVENTS]` lines and the events they report lost (a line without a count adds 0). */
  readonly lost: {
    readonly lines: number;
    readonly events: number;
    readonly linesWithoutCount: number;
    readonly byCpu: Readonly<Record<string, number>>;
  };
  /** Malformed lines skipped (lenient mode only; strict mode throws on the first). */
  readonly malformed: {
    readonly total: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly examples: readonly MalformedExample[];
  };
}

/** A Map as a prototype-less record (keys come from untrusted text). */
function record(map: Map<string, number>): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const [k, v] of map) out[k] = v;
  return out;
}

/** Add n to a counter in a Map. */
function bump(map: Map<string, number>, key: string, n = 1): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

/** Mutable counters behind a {@link TraceReadStats}. */
export class StatsCollector {
  gzip = false;
  bytesRead = 0;
  textBytes = 0;
  lines = 0;
  blankLines = 0;
  commentLines = 0;
  overwritten = 0;
  events = 0;
  unknownEvents = 0;
  lostLines = 0;
  lostEvents = 0;
  lostWithoutCount = 0;
  malformed = 0;
  private readonly kinds: readonly string[];
  private readonly byId: Float64Array;
  readonly unknownByName = new Map<string, number>();
  readonly lostByCpu = new Map<string, number>();
  readonly malformedByCode = new Map<string, number>();
  readonly examples: MalformedExample[] = [];

  /**
   * @param kinds - Event kind of each builder id (several ids may share a kind).
   */
  constructor(kinds: readonly string[]) {
    this.kinds = kinds;
    this.byId = new Float64Array(kinds.length);
  }

  /**
   * Count a delivered event.
   *
   * @param id - Id of the builder that made it.
   * @remarks Context: any; hot path.
   */
  event(id: number): void {
    this.events++;
    this.byId[id]! += 1;
  }

  /**
   * Count an unknown event.
   *
   * @param name - Its event name.
   * @remarks Context: any.
   */
  unknown(name: string): void {
    this.unknownEvents++;
    bump(this.unknownByName, name);
  }

  /**
   * Count a LOST line.
   *
   * @param cpu - CPU it names.
   * @param count - Events lost, -1 when the line gives no count.
   * @remarks Context: any.
   */
  lost(cpu: number, count: number): void {
    this.lostLines++;
    if (count < 0) this.lostWithoutCount++;
    else this.lostEvents += count;
    bump(this.lostByCpu, String(cpu), Math.max(count, 0));
  }

  /**
   * Count a malformed line skipped in lenient mode, keeping the first few.
   *
   * @param err - Its error.
   * @param line - Its 1-based number.
   * @remarks Context: any.
   */
  skip(err: InputError, line: number): void {
    this.malformed++;
    bump(this.malformedByCode, err.code);
    if (this.examples.length < MALFORMED_EXAMPLES) this.examples.push({ line, code: err.code, message: err.message });
  }

  /**
   * Freeze the counters into a plain object.
   *
   * @param file - File name for the result.
   * @returns The stats.
   * @remarks Context: any.
   */
  result(file: string): TraceReadStats {
    const byKind = new Map<string, number>();
    this.byId.forEach((n, id) => {
      if (n > 0) bump(byKind, this.kinds[id] ?? String(id), n);
    });
    return {
      file, gzip: this.gzip, bytesRead: this.bytesRead, textBytes: this.textBytes,
      lines: this.lines, blankLines: this.blankLines, commentLines: this.commentLines, overwritten: this.overwritten,
      events: this.events, eventsByKind: record(byKind),
      unknownEvents: this.unknownEvents, unknownByName: record(this.unknownByName),
      lost: { lines: this.lostLines, events: this.lostEvents, linesWithoutCount: this.lostWithoutCount, byCpu: record(this.lostByCpu) },
      malformed: { total: this.malformed, byCode: record(this.malformedByCode), examples: [...this.examples] },
    };
  }
}
