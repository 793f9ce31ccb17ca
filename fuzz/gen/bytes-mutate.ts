/**
 * Byte-level mutations of a text file (config files, kernel logs): flip or
 * overwrite bytes, cut it short, insert tokens, NULs or invalid UTF-8, delete
 * or duplicate a range, duplicate, drop or swap lines, change line endings,
 * add a BOM.
 *
 * @module
 */
import type { Rng } from '../rng.js';

/** Byte sequences that are not valid UTF-8: overlong, lone continuation, cut short, surrogate, above U+10FFFF. */
const BAD_UTF8: readonly (readonly number[])[] = [[0xc0, 0x80], [0xff], [0xfe], [0x80], [0xbf, 0xbf], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3]];

/** One mutation; `tokens` are the format's own special strings. */
function mutateOnce(rng: Rng, b: Buffer, tokens: readonly string[]): Buffer {
  const at = rng.int(b.length + 1);
  const cat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts);
  const insert = (x: Uint8Array): Buffer => cat(b.subarray(0, at), x, b.subarray(at));
  return rng.weighted<() => Buffer>([
    [3, () => {
      const out = Buffer.from(b);
      if (out.length > 0) out[at % out.length] = (out[at % out.length] ?? 0) ^ (1 << rng.int(8));
      return out;
    }],
    [2, () => {
      const out = Buffer.from(b);
      if (out.length > 0) out[at % out.length] = rng.int(256);
      return out;
    }],
    [2, () => b.subarray(0, at)],
    [3, () => insert(Buffer.from(rng.pick(tokens), 'utf8'))],
    [1, () => insert(Buffer.from([0]))],
    [2, () => insert(Buffer.from(rng.pick(BAD_UTF8)))],
    [2, () => cat(b.subarray(0, at), b.subarray(Math.min(b.length, at + rng.small(16))))],
    [1, () => insert(b.subarray(at, at + rng.range(1, 64)))],
  ])();
}

/** One line-level edit: duplicate (a repeated key), drop, swap or move a line. */
function editLines(rng: Rng, b: Buffer): Buffer {
  const lines = b.toString('latin1').split('\n');
  const i = rng.int(lines.length);
  const j = rng.int(lines.length);
  rng.weighted<() => void>([
    [3, () => void lines.splice(j, 0, lines[i] ?? '')],
    [2, () => void lines.splice(i, rng.small(4))],
    [2, () => void ([lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''])],
  ])();
  return Buffer.from(lines.join('\n'), 'latin1');
}

/**
 * Apply a few byte- and line-level mutations.
 *
 * @param rng - Case PRNG.
 * @param bytes - The file's bytes (not changed).
 * @param tokens - Strings the format treats specially, inserted at random places.
 * @returns The mutated bytes and the names of the edits made.
 * @remarks Context: any.
 */
export function mutateBytes(rng: Rng, bytes: Uint8Array, tokens: readonly string[]): { bytes: Buffer; ops: string[] } {
  let b: Buffer = Buffer.from(bytes);
  const ops: string[] = [];
  for (let n = rng.small(6); n > 0; n--) {
    const op = rng.weighted([[6, 'bytes'], [3, 'lines'], [0.5, 'crlf'], [0.5, 'cr'], [0.3, 'bom']]);
    ops.push(op);
    if (op === 'bytes') b = mutateOnce(rng, b, tokens);
    else if (op === 'lines') b = editLines(rng, b);
    else if (op === 'crlf') b = Buffer.from(b.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    else if (op === 'cr') b = Buffer.from(b.toString('latin1').replace(/\n/g, '\r'), 'latin1');
    else b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);
  }
  return { bytes: b, ops };
}
