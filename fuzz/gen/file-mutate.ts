/**
 * Whole trace files from the oracle captures: a window of real lines, then
 * line edits (delete, duplicate, swap, mutate, insert), line endings (LF,
 * CRLF, none at the end), byte edits (truncate, flip, NUL), and gzip with
 * its own damage (cut short, flipped bytes, trailing garbage, extra members).
 *
 * @module
 */
import { gzipSync } from 'node:zlib';
import type { Corpus } from '../corpus.js';
import type { Rng } from '../rng.js';
import { grammarLine, otherLine } from './lines.js';
import { mutateLine } from './line-mutate.js';
import { overlong } from './strings.js';

/** A generated trace file. */
export interface TraceFile {
  /** The bytes as stored (plain or gzip). */
  readonly bytes: Buffer;
  /** What was done to it, e.g. `window`, `swap`, `gzip`, `gzip-cut`. */
  readonly ops: readonly string[];
}

/** Longest line the reader accepts (MAX_LINE_LENGTH in src/lab/trace/reader.ts). */
const MAX_LINE = 1 << 20;

/**
 * Real lines to start from: the smoke capture, or a window of another capture
 * (with its header and pool line in front, most of the time).
 *
 * @param rng - Case PRNG.
 * @param corpus - The corpus.
 * @param maxLines - Largest window.
 * @returns The lines.
 * @remarks Context: any.
 */
export function sourceLines(rng: Rng, corpus: Corpus, maxLines: number): string[] {
  if (rng.bool(0.2)) return corpus.smokeText.toString('utf8').replace(/\n$/, '').split('\n');
  const t = rng.pick(corpus.traces);
  const w = rng.pick(t.windows);
  const n = rng.range(1, Math.min(maxLines, w.length));
  const from = rng.int(w.length - n + 1);
  const head = rng.bool(0.7) ? [...(rng.bool(0.5) ? t.header : []), t.pool] : [];
  return [...head, ...w.slice(from, from + n)];
}

/** Line-level edits. */
function editLines(rng: Rng, lines: string[], ops: string[]): void {
  const n = rng.weighted([[3, 0], [4, 1], [2, 2], [1, rng.range(3, 8)]]);
  for (let k = 0; k < n; k++) {
    const i = rng.int(lines.length + 1);
    const op = rng.weighted([[3, 'mutate'], [2, 'delete'], [2, 'duplicate'], [2, 'swap'], [1, 'grammar'], [1, 'other'], [1, 'cut-lines'], [0.1, 'overlong']]);
    ops.push(op);
    if (op === 'mutate' && lines.length > 0) lines[i % lines.length] = mutateLine(rng, lines[i % lines.length]!);
    else if (op === 'delete') lines.splice(i, rng.small(20));
    else if (op === 'duplicate') lines.splice(i, 0, ...lines.slice(i, i + rng.small(10)));
    else if (op === 'swap') {
      const j = rng.int(Math.max(1, lines.length));
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
    } else if (op === 'grammar') lines.splice(i, 0, grammarLine(rng));
    else if (op === 'other') lines.splice(i, 0, otherLine(rng));
    else if (op === 'cut-lines') lines.length = Math.min(lines.length, i);
    else if (op === 'overlong') lines.splice(i, 0, overlong(lines[0] ?? 'x ', MAX_LINE + rng.range(-2, 3000)));
  }
}

/** Damage the compressed bytes. */
function damageGzip(rng: Rng, gz: Buffer, ops: string[]): Buffer {
  const op = rng.weighted([[4, 'gzip-cut'], [3, 'gzip-flip'], [1, 'gzip-garbage'], [1, 'gzip-members'], [1, 'gzip-header-only'], [1, 'gzip-empty']]);
  ops.push(op);
  switch (op) {
    case 'gzip-cut': return gz.subarray(0, rng.int(gz.length));
    case 'gzip-flip': {
      const out = Buffer.from(gz);
      for (let k = rng.small(3); k > 0; k--) {
        const at = rng.weighted([[1, rng.int(Math.min(10, out.length))], [3, rng.int(out.length)], [1, Math.max(0, out.length - 1 - rng.int(8))]]);
        out[at] = (out[at] ?? 0) ^ (1 << rng.int(8));
      }
      return out;
    }
    case 'gzip-garbage': return Buffer.concat([gz, Buffer.from(rng.pick(['\n', 'garbage', '\x1f', '\x1f\x8b', '\x1f\x8b\x08\x00']))]);
    case 'gzip-members': return Buffer.concat([gz, gzipSync(Buffer.from('extra-1 [000] ..... 1: tracing_mark_write: x\n'))]);
    case 'gzip-header-only': return gz.subarray(0, rng.range(2, 10));
    default: return gzipSync(Buffer.alloc(0));
  }
}

/**
 * Build one trace file.
 *
 * @param rng - Case PRNG.
 * @param corpus - The corpus.
 * @param maxLines - Largest window of real lines.
 * @returns The file's bytes and the list of edits made.
 * @remarks Context: any.
 */
export function traceFile(rng: Rng, corpus: Corpus, maxLines: number): TraceFile {
  const ops: string[] = ['window'];
  const lines = sourceLines(rng, corpus, maxLines);
  editLines(rng, lines, ops);
  const crlf = rng.weighted([[8, 'lf'], [1, 'crlf'], [1, 'mixed']]);
  if (crlf !== 'lf') ops.push(crlf);
  let text = lines.map((l) => (crlf === 'crlf' || (crlf === 'mixed' && rng.bool()) ? `${l}\r` : l)).join('\n');
  if (rng.bool(0.85)) text += '\n';
  else ops.push('no-final-newline');
  let bytes: Buffer = Buffer.from(text, 'utf8');
  if (rng.bool(0.1)) {
    const op = rng.pick(['cut-bytes', 'flip-bytes', 'nul-bytes']);
    ops.push(op);
    if (op === 'cut-bytes') bytes = bytes.subarray(0, rng.int(bytes.length + 1));
    else for (let k = rng.small(4); k > 0 && bytes.length > 0; k--) bytes[rng.int(bytes.length)] = op === 'nul-bytes' ? 0 : rng.int(256);
  }
  if (rng.bool(0.4)) {
    ops.push('gzip');
    bytes = gzipSync(bytes, { level: rng.range(1, 9) });
    if (rng.bool(0.5)) bytes = damageGzip(rng, bytes, ops);
  }
  return { bytes, ops };
}
