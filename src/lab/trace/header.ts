/**
 * The columns in front of an event: `<task>-<pid> [<cpu>] <flags> <ts>: <event>: `.
 *
 * Accepted layouts: /sys/kernel/tracing/trace (with or without the flags
 * column, with or without the `(tgid)` column) and `trace-cmd report`
 * (`cpus=N` header, padded event names, `seconds.fraction` timestamps).
 * Task names may contain spaces and dashes: the pid is the digits after the
 * last '-' before the CPU column.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';
import { scanInt, scanTimestamp } from './numbers.js';
import { decode } from './strings.js';
import { TaskColumns } from './task-columns.js';

/** A blank line. */
export const LINE_BLANK = 0;
/** A comment (`#`) or a trace-cmd header line (`cpus=2`, `CPU 1 is empty`). */
export const LINE_COMMENT = 1;
/** A `CPU:N [LOST M EVENTS]` line. */
export const LINE_LOST = 2;
/** An event line; the header fields are filled. */
export const LINE_EVENT = 3;

const LOST_RE = /^CPU:?\s*(\d+)\s*\[(?:LOST (\d+) EVENTS|LOST EVENTS|(\d+) EVENTS DROPPED)\]\s*$/;
const TRACE_CMD_HEADER_RE = /^(?:cpus=\d+|version\s*=.*|CPU\s*\d+ is empty|trace-cmd: .*)$/;

/** Scratch result of {@link LineHeader.parse}; reused for every line. */
export class LineHeader {
  task = '';
  pid = 0;
  cpu = 0;
  /** The event was written in hardirq or softirq context (from the flags column). */
  inIrq = false;
  ts = 0;
  /** Event name is `buf[nameStart, nameEnd)` (nameEnd is set by {@link LineHeader.name}). */
  nameStart = 0;
  nameEnd = 0;
  /** Where the event body starts (past the name and its padding). */
  bodyStart = 0;
  /** CPU of a LOST line. */
  lostCpu = 0;
  /** Events lost, or -1 when the line does not say. */
  lostCount = 0;
  /** Where the CPU column and the timestamp's ':' were on the last line (most lines align). */
  private openAt = 0;
  private colonAt = 0;
  private readonly columns = new TaskColumns();

  /**
   * Classify a line and, for an event line, fill the header fields.
   *
   * @param b - Bytes holding the line.
   * @param view - DataView over the same bytes.
   * @param start - Line start.
   * @param end - Line end (terminator and trailing CR excluded).
   * @param lineNo - 1-based line number, for errors.
   * @param file - File name, for errors.
   * @returns LINE_BLANK, LINE_COMMENT, LINE_LOST or LINE_EVENT.
   * @throws InputError `bad_line` when the line is none of these.
   * @remarks Context: any; hot path (no allocation for a known task column).
   */
  parse(b: Buffer, view: DataView, start: number, end: number, lineNo: number, file: string): number {
    // Fast path: the same task column, byte for byte, as a recent line.
    let open = start + this.openAt;
    if (open >= end || b[open] !== 91) {
      open = start + 2;
      while (open < end && b[open] !== 91) open++;
      this.openAt = open - start;
    }
    const hit = open < end ? this.columns.find(view, b, start, open) : undefined;
    if (hit !== undefined) {
      this.task = hit.task;
      this.pid = hit.pid;
      return this.rest(b, open, end, lineNo, file);
    }
    return this.slow(b, start, end, lineNo, file);
  }

  /** Any line: blank, comment, LOST, header, or an event with a new task column. */
  private slow(b: Buffer, start: number, end: number, lineNo: number, file: string): number {
    let p = start;
    while (p < end && b[p] === 32) p++;
    if (p === end) return LINE_BLANK;
    if (b[p] === 35) return LINE_COMMENT;
    // The CPU column: the first ' [digits]'.
    let open = p + 1;
    for (; open < end; open++) {
      if (b[open] !== 91 || b[open - 1] !== 32) continue;
      let close = open + 1;
      while (close < end && isDigit(b[close]!)) close++;
      if (close > open + 1 && close < end && b[close] === 93) break;
    }
    if (open >= end) return this.other(decode(b, p, end), lineNo, file);
    // Task and pid, backwards from the CPU column (skipping a '(tgid)' column).
    let q = open - 1;
    while (q > p && b[q] === 32) q--;
    if (b[q] === 41) {
      while (q > p && b[q] !== 40) q--;
      q--;
      while (q > p && b[q] === 32) q--;
    }
    const pidEnd = q + 1;
    while (q >= p && isDigit(b[q]!)) q--;
    const pid = scanInt(b, q + 1, pidEnd);
    if (q < p || b[q] !== 45 || !Number.isSafeInteger(pid) || pid < 0) return this.bad(file, lineNo, "'<task>-<pid>' before the CPU column");
    const column = this.columns.add(b, start, open, decode(b, p, q), pid);
    this.task = column.task;
    this.pid = pid;
    return this.rest(b, open, end, lineNo, file);
  }

  /** The columns after the task: `[cpu] flags ts: event: `. */
  private rest(b: Buffer, open: number, end: number, lineNo: number, file: string): number {
    let close = open + 1;
    let cpu = 0;
    for (let c = b[close]!; c >= 48 && c <= 57 && close < end; c = b[++close]!) cpu = cpu * 10 + c - 48;
    if (close === open + 1 || close >= end || b[close] !== 93 || cpu > 1_000_000) return this.bad(file, lineNo, "'[<cpu>]' after the task (a CPU number up to 1000000)");
    this.cpu = cpu;
    // The flags column ('d.h1.'): its third character says hardirq ('h'), softirq ('s') or a hardirq inside one ('H').
    const ctx = b[close + 4];
    this.inIrq = b[close + 1] === 32 && b[close + 2] !== 32 && close + 7 < end && b[close + 7] === 32 && (ctx === 104 || ctx === 115 || ctx === 72);
    // Timestamp: the digits before the first ':' after the CPU column (the flags column is optional).
    let colon = close + this.colonAt;
    if (colon >= end || b[colon] !== 58 || !isDigit(b[colon - 1]!)) {
      colon = close + 1;
      while (colon < end && b[colon] !== 58) colon++;
      if (colon >= end) return this.bad(file, lineNo, "'<timestamp>: ' after the CPU column (truncated line?)");
      this.colonAt = colon - close;
    }
    // Read the digits backwards; an integer (the counter clock) needs no second pass.
    let t = colon;
    let v = 0;
    let scale = 1;
    let c = 0;
    while (t > close + 1 && (c = b[t - 1]!) >= 48 && c <= 57) {
      v += (c - 48) * scale;
      scale *= 10;
      t--;
    }
    let ts = NaN;
    if (c === 46 || colon - t > 15) {
      while (t > close + 1 && (isDigit(b[t - 1]!) || b[t - 1] === 46)) t--;
      if (b[t - 1] === 32) ts = scanTimestamp(b, t, colon);
    } else if (t < colon && b[t - 1] === 32) ts = v;
    if (Number.isNaN(ts)) return this.bad(file, lineNo, `a timestamp before ':', got '${decode(b, close + 1, colon).trim()}'`);
    this.ts = ts;
    // Event name start (trace-cmd pads after its ':'); LineParser finds its end.
    let p = colon + 1;
    while (p < end && b[p] === 32) p++;
    this.nameStart = p;
    return LINE_EVENT;
  }

  /**
   * Set the event name's end and find the body after it.
   *
   * @param b - Bytes holding the line.
   * @param nameEnd - Index of the ':' after the name, or -1 to look for it.
   * @param end - Line end.
   * @param lineNo - 1-based line number, for errors.
   * @param file - File name, for errors.
   * @throws InputError `bad_line` when no `<event>: ` follows the timestamp.
   * @remarks Context: any; hot path.
   */
  name(b: Buffer, nameEnd: number, end: number, lineNo: number, file: string): void {
    let p = nameEnd;
    if (p < 0) {
      p = this.nameStart;
      let c = 0;
      while (p < end && (c = b[p]!) !== 58 && c !== 32) p++;
      if (p === this.nameStart || c !== 58 || (p + 1 < end && b[p + 1] !== 32)) {
        this.bad(file, lineNo, "'<event>: ' after the timestamp (truncated line?)");
      }
    }
    this.nameEnd = p;
    p++;
    while (p < end && b[p] === 32) p++;
    this.bodyStart = p;
  }

  /** A line without a CPU column: LOST line, trace-cmd header, or malformed. */
  private other(line: string, lineNo: number, file: string): number {
    const m = LOST_RE.exec(line);
    if (m !== null) {
      this.lostCpu = Number(m[1]);
      this.lostCount = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? Number(m[3]) : -1;
      if (!Number.isSafeInteger(this.lostCpu) || this.lostCpu > 1_000_000 || !Number.isSafeInteger(this.lostCount)) {
        return this.bad(file, lineNo, "a LOST line with a CPU number and an event count that fit in 53 bits");
      }
      return LINE_LOST;
    }
    if (TRACE_CMD_HEADER_RE.test(line)) return LINE_COMMENT;
    return this.bad(file, lineNo, "'<task>-<pid> [<cpu>] <timestamp>: <event>: ...'");
  }

  private bad(file: string, lineNo: number, what: string): never {
    throw new InputError('bad_line', `Cannot parse trace line: expected ${what}`, { file, line: lineNo });
  }
}

/** Whether a byte is an ASCII digit. */
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
