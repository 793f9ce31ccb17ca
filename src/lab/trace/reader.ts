/**
 * Streaming reader of ftrace text (plain or gzip): chunks in, lines split by
 * hand, each line parsed and handed to a callback, never the whole file in
 * memory.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../util/errors.js';
import { LINE_BLANK, LINE_COMMENT, LINE_LOST } from './header.js';
import { LINE_UNKNOWN, LineParser, PARSED_EVENT_KINDS } from './parse-line.js';
import { StatsCollector, type TraceReadStats } from './stats.js';
import type { TraceEvent } from './trace-event.js';

/** ftrace's header line `# entries-in-buffer/entries-written: 182861/197936   #P:2`. */
const ENTRIES = /^#\s*entries-in-buffer\/entries-written:\s*(\d{1,15})\/(\d{1,15})/;

/** Read and gunzip chunk size. */
const CHUNK_SIZE = 1 << 20;
/** Longest line accepted (a dma_map_sg line of 128 entries is about 8 KiB). */
export const MAX_LINE_LENGTH = 1 << 20;

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** Name used in errors and stats (default: the path, or `<stream>`). */
  readonly file?: string;
  /** Count and skip malformed lines instead of throwing on the first. */
  readonly lenient?: boolean;
  /** Called once per event, in trace order; the event is the consumer's to keep. */
  readonly onEvent: (event: TraceEvent) => void;
  /** Called after each chunk of the input with the bytes read so far (compressed bytes for gzip). */
  readonly onProgress?: (bytesRead: number) => void;
}

/** Splits the byte stream into lines and feeds them to the parser in place (no decoding). */
class LineSink {
  private readonly parser: LineParser;
  private readonly stats: StatsCollector;
  private readonly options: ReadTraceOptions;
  /** Bytes after the last newline so far (start of the next line), as pieces joined once the line ends. */
  private carry: Buffer[] = [];
  private carryLen = 0;
  /** Inside an over-long line that lenient mode skips. */
  private discarding = false;

  constructor(parser: LineParser, stats: StatsCollector, options: ReadTraceOptions) {
    this.parser = parser;
    this.stats = stats;
    this.options = options;
  }

  /** Parse every complete line of the next chunk of text; keep the unfinished tail. */
  write(buf: Buffer): void {
    this.stats.textBytes += buf.length;
    let from = 0;
    if (this.carryLen > 0) {
      const nl = buf.indexOf(10);
      if (nl < 0) {
        // Still inside the carried line: add the piece (no re-copy of what was carried).
        this.keep(buf);
        return;
      }
      // Finish the carried line with one join; the chunk itself is read in place.
      this.carry.push(buf.subarray(0, nl));
      const head = Buffer.concat(this.carry, this.carryLen + nl);
      this.carry = [];
      this.carryLen = 0;
      this.lines(head, 0, head.length);
      from = nl + 1;
    }
    const last = buf.lastIndexOf(10);
    if (last >= from) {
      this.lines(buf, from, last);
      from = last + 1;
    }
    if (from < buf.length) this.keep(buf.subarray(from));
  }

  /** Parse the last line, which had no newline. */
  end(): void {
    const rest = this.carryLen > 0 ? Buffer.concat(this.carry, this.carryLen) : null;
    this.carry = [];
    this.carryLen = 0;
    if (rest !== null && !this.discarding) this.lines(rest, 0, rest.length);
  }

  /** Carry bytes of an unfinished line (copied: the input buffer may be reused). */
  private keep(bytes: Buffer): void {
    if (this.discarding) return;
    if (this.carryLen + bytes.length <= MAX_LINE_LENGTH) {
      this.carry.push(Buffer.from(bytes));
      this.carryLen += bytes.length;
      return;
    }
    this.carry = [];
    this.carryLen = 0;
    this.tooLong(++this.stats.lines);
    this.discarding = true;
  }

  private tooLong(lineNo: number): void {
    const err = new InputError('line_too_long', `Cannot parse trace line: longer than ${MAX_LINE_LENGTH} bytes`, { file: this.parser.file, line: lineNo });
    this.malformed(err, lineNo);
  }

  /** Every line of `data[from, to)`; the last one ends at `to` (a '\n' there or the end of input). */
  private lines(data: Buffer, from: number, to: number): void {
    for (let start = from; start <= to; ) {
      let nl = start < to ? data.indexOf(10, start) : -1;
      if (nl < 0 || nl > to) nl = to;
      if (this.discarding) this.discarding = false;
      else this.line(data, start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl);
      start = nl + 1;
    }
  }

  private malformed(err: InputError, lineNo: number): void {
    if (this.options.lenient !== true) throw err;
    this.stats.skip(err, lineNo);
  }

  /** A comment line; ftrace's header says how many events the ring buffer overwrote. */
  private comment(data: Buffer, start: number, end: number): void {
    this.stats.commentLines++;
    const at = end - start > 200 ? -1 : data.indexOf('entries-written:', start);
    if (at < 0 || at >= end) return;
    const m = ENTRIES.exec(data.toString('latin1', start, end));
    if (m !== null) this.stats.overwritten = Math.max(0, Number(m[2]) - Number(m[1]));
  }

  private line(data: Buffer, start: number, end: number): void {
    const stats = this.stats;
    const parser = this.parser;
    const lineNo = ++stats.lines;
    if (end - start > MAX_LINE_LENGTH) return this.tooLong(lineNo);
    let event: TraceEvent | null;
    try {
      event = parser.parse(data, start, end, lineNo);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      this.malformed(err, lineNo);
      return;
    }
    if (event !== null) {
      stats.event(parser.entryId);
      this.options.onEvent(event);
      return;
    }
    switch (parser.status) {
      case LINE_UNKNOWN: stats.unknown(parser.eventName()); break;
      case LINE_LOST: stats.lost(parser.header.lostCpu, parser.header.lostCount); break;
      case LINE_COMMENT: this.comment(data, start, end); break;
      case LINE_BLANK: stats.blankLines++; break;
    }
  }
}

/** The input's chunks as Buffers, counting the bytes read. */
async function* buffersOf(src: Readable, stats: StatsCollector, onProgress?: (bytesRead: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of src) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    stats.bytesRead += buf.length;
    onProgress?.(stats.bytesRead);
    yield buf;
  }
}

/**
 * Read a whole trace and deliver its events one by one.
 *
 * Gzip is detected by its magic bytes (1f 8b), not by the name. Lines may
 * end in LF or CRLF; the last one may lack a terminator.
 *
 * @param input - A file path or a Readable of trace text (plain or gzip).
 * @param options - Callback, file name for errors, lenient mode.
 * @returns The counts of what was read.
 * @throws InputError for the first malformed line (unless lenient), with
 *   file and line; any error of the input stream or of onEvent.
 * @remarks Context: async; streams in 1 MiB chunks, memory bounded by the
 *   longest line. Events are delivered synchronously in trace order.
 */
export async function readTrace(input: string | Readable, options: ReadTraceOptions): Promise<TraceReadStats> {
  const src = typeof input === 'string' ? createReadStream(input, { highWaterMark: CHUNK_SIZE }) : input;
  const file = options.file ?? (typeof input === 'string' ? input : '<stream>');
  const stats = new StatsCollector(PARSED_EVENT_KINDS);
  const sink = new LineSink(new LineParser(file), stats, options);
  const chunks = buffersOf(src, stats, options.onProgress);
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < 2) {
      const next = await chunks.next();
      if (next.done === true) break;
      head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      stats.gzip = true;
      const gunzip = createGunzip({ chunkSize: CHUNK_SIZE });
      const feed = Readable.from((async function* () {
        yield head;
        yield* chunks;
      })(), { objectMode: false });
      const piped = pipeline(feed, gunzip);
      piped.catch(() => undefined);
      try {
        for await (const buf of gunzip) sink.write(buf as Buffer);
        await piped;
      } catch (e) {
        if (e instanceof InputError) throw e;
        // A damaged or cut gzip stream: never hand back a partial result as complete.
        throw new InputError('bad_gzip', `Cannot read the gzip stream, it is damaged or truncated after ${stats.lines} lines (${(e as Error).message})`, { file });
      }
    } else {
      if (head.length > 0) sink.write(head);
      for await (const buf of chunks) sink.write(buf);
    }
  } finally {
    // Stops a file stream left open by an early error; a no-op once the input ended.
    if (!src.destroyed) src.destroy();
  }
  sink.end();
  return stats.result(file);
}
