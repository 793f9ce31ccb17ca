/**
 * One line of ftrace text to one event: the header columns, then the
 * builder registered for the event name. Used by the streaming reader and,
 * through {@link parseTraceLine}, by tests and fuzzers.
 *
 * @module
 */
import { DMA_BUILDERS } from './dma-parse.js';
import { wordBytes, type BytePattern } from './keys.js';
import { decode } from './strings.js';
import { FieldReader } from './fields.js';
import { LINE_BLANK, LINE_COMMENT, LINE_EVENT, LINE_LOST, LineHeader } from './header.js';
import { InputError } from '../../util/errors.js';
import { ORACLE_BUILDERS, type EventBuilder } from './oracle-parse.js';
import type { TraceEvent, TraceEventKind } from './trace-event.js';

/** Status of an event line whose event name has no builder. */
export const LINE_UNKNOWN = 4;

/** A known event name and its builder; `id` indexes {@link PARSED_EVENT_KINDS}. */
interface Entry {
  readonly name: string;
  readonly pattern: BytePattern;
  readonly build: EventBuilder;
  readonly id: number;
}

const ENTRIES: readonly Entry[] = [...ORACLE_BUILDERS, ...DMA_BUILDERS].map(([name, build], id) => ({
  name,
  pattern: wordBytes(name),
  build,
  id,
}));

/** The event kind each builder id produces (trace-cmd's `print` gives `tracing_mark_write`). */
export const PARSED_EVENT_KINDS: readonly TraceEventKind[] = ENTRIES.map(
  (e) => (e.name === 'print' ? 'tracing_mark_write' : e.name) as TraceEventKind,
);

/** Dispatch slot of a name's first four bytes (as DataView.getInt32 reads them): a small integer. */
function headSlot(head: number): number {
  return Math.imul(head, 0x9e3779b1) >>> 22;
}

/** Known names by {@link headSlot}, longest first; a slot may hold several names. */
const BY_HEAD: (readonly Entry[] | undefined)[] = new Array<readonly Entry[] | undefined>(1024).fill(undefined);
for (const e of ENTRIES) {
  const slot = headSlot(new DataView(e.pattern.bytes.buffer).getInt32(0, true));
  BY_HEAD[slot] = [...(BY_HEAD[slot] ?? []), e].sort((x, y) => y.name.length - x.name.length);
}

/** A reusable line parser; its scratch state is valid until the next call. */
export class LineParser {
  /** File named in errors. */
  file: string;
  /** LINE_BLANK, LINE_COMMENT, LINE_LOST, LINE_EVENT or LINE_UNKNOWN for the last line. */
  status = LINE_BLANK;
  /** Builder id of the last event (index into PARSED_EVENT_KINDS). */
  entryId = 0;
  /** Header columns of the last line (lostCpu/lostCount for a LOST line). */
  readonly header = new LineHeader();
  private readonly fields = new FieldReader();
  private buf: Buffer = Buffer.alloc(0);
  private view: DataView = new DataView(new ArrayBuffer(0));

  /**
   * @param file - File named in errors.
   */
  constructor(file: string) {
    this.file = file;
  }

  /**
   * Parse the line `buf[start, end)` in place.
   *
   * @param buf - Bytes holding the line (a chunk of the trace or the line itself).
   * @param start - Line start.
   * @param end - Line end, terminator and trailing CR excluded.
   * @param lineNo - Its 1-based number.
   * @returns A new event, or null for a blank, comment, LOST or unknown-event
   *   line (see {@link LineParser.status}).
   * @throws InputError when the line or a known event's body is malformed.
   * @remarks Context: any; hot path. The returned event shares nothing mutable with the parser.
   */
  parse(buf: Buffer, start: number, end: number, lineNo: number): TraceEvent | null {
    const h = this.header;
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    const view = this.view;
    const status = h.parse(buf, view, start, end, lineNo, this.file);
    this.status = status;
    if (status !== LINE_EVENT) return null;
    const e = this.entry(view, buf, end, h);
    if (e === undefined) {
      h.name(buf, -1, end, lineNo, this.file);
      if (/\s/.test(this.eventName())) {
        throw new InputError('bad_line', "Cannot parse trace line: expected '<event>: ' after the timestamp", { file: this.file, line: lineNo });
      }
      this.status = LINE_UNKNOWN;
      return null;
    }
    this.entryId = e.id;
    const r = this.fields;
    r.buf = buf;
    r.view = view;
    r.end = end;
    r.lineNo = lineNo;
    r.file = this.file;
    r.event = e.name;
    return e.build(r, h);
  }

  /** The known event whose name starts the body at h.nameStart (then h.name() is set), if any. */
  private entry(view: DataView, buf: Buffer, end: number, h: LineHeader): Entry | undefined {
    const ns = h.nameStart;
    if (ns + 4 > end) return undefined;
    const list = BY_HEAD[headSlot(view.getInt32(ns, true))];
    if (list === undefined) return undefined;
    for (const e of list) {
      const ne = ns + e.pattern.length;
      if (ne < end && buf[ne] === 58 && (ne + 1 === end || buf[ne + 1] === 32) && e.pattern.at(view, buf, ns, ne)) {
        h.name(buf, ne, end, 0, this.file);
        return e;
      }
    }
    return undefined;
  }

  /**
   * Name of the last line's event (for an unknown event).
   *
   * @returns A fresh string.
   * @remarks Context: any.
   */
  eventName(): string {
    return decode(this.buf, this.header.nameStart, this.header.nameEnd);
  }
}

/** What one line of trace text is. */
export type ParsedTraceLine =
  | { readonly type: 'event'; readonly event: TraceEvent }
  | { readonly type: 'unknown'; readonly name: string }
  | { readonly type: 'lost'; readonly cpu: number; readonly count: number | null }
  | { readonly type: 'comment' }
  | { readonly type: 'blank' };

const shared = new LineParser('<input>');

/**
 * Parse a single line of ftrace / trace-cmd text.
 *
 * @param line - One line; a trailing CR is ignored.
 * @param lineNo - Its 1-based number (reported in the event and in errors).
 * @param file - File named in errors (default `<input>`).
 * @returns What the line is, with the parsed event for a known event.
 * @throws InputError when the line or a known event's body is malformed.
 * @remarks Context: any; synchronous. Not for bulk use (allocates a result per line).
 */
export function parseTraceLine(line: string, lineNo: number, file = '<input>'): ParsedTraceLine {
  const buf = Buffer.from(line, 'utf8');
  shared.file = file;
  const event = shared.parse(buf, 0, buf.length > 0 && buf[buf.length - 1] === 13 ? buf.length - 1 : buf.length, lineNo);
  if (event !== null) return { type: 'event', event };
  const h = shared.header;
  switch (shared.status) {
    case LINE_UNKNOWN:
      return { type: 'unknown', name: shared.eventName() };
    case LINE_LOST:
      return { type: 'lost', cpu: h.lostCpu, count: h.lostCount < 0 ? null : h.lostCount };
    case LINE_COMMENT:
      return { type: 'comment' };
    default:
      return { type: 'blank' };
  }
}
