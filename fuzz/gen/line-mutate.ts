/**
 * Mutations of a real trace line: flip, insert or delete characters, cut it
 * short, duplicate, drop or swap its fields, give a field a value of the wrong
 * type or a huge one, add CR/NUL, or repeat a piece until it is overlong.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { badValue, type FieldType } from './event-grammar.js';
import { digitRun, overlong, randomChar } from './strings.js';

const TOKENS = [
  ' ', ':', ': ', '=', '"', '[', ']', '(', ')', '-', '0x', 'ffffffffffffffff', '\r', '\0', '\t', '{', '}', ',', '|', '/', '\\', '\\"',
  'slot=', 'nslabs=', 'nareas=', 'a0_used=', 'ret=', 'name=', 'dev=', 'dir=', '[TRUNCATED]', '(fault)', 'FORCE', ' dma_mask=',
  'map_single: ', 'map_found: ', 'pool: ', 'unmap_release: ', 'tracing_mark_write: ', 'dma_map_sg: ', '😀', 'é', '\u00a0', '\u2028',
];
const TYPES: readonly FieldType[] = ['int', 'hex', 'str', 'dir', 'attrs', 'array', 'count', 'bare'];

/** Whether a character code is a key character (letter, digit, '_'). */
function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) || c === 95;
}

/** The values of `key=value` tokens as [start, end) ranges (linear: lines may be overlong). */
function valueRanges(line: string): [number, number][] {
  const out: [number, number][] = [];
  let prev = -1;
  for (let eq = line.indexOf('='); eq >= 0; prev = eq, eq = line.indexOf('=', eq + 1)) {
    let k = eq;
    while (k > prev + 1 && isKeyChar(line.charCodeAt(k - 1))) k--;
    if (k === eq) continue;
    let e = eq + 1;
    if (line[e] === '"') {
      const q = line.indexOf('"', e + 1);
      e = q < 0 ? line.length : q + 1;
    } else {
      const sp = line.indexOf(' ', e);
      e = sp < 0 ? line.length : sp;
    }
    out.push([eq + 1, e]);
  }
  return out;
}

/** Split into space-separated tokens, keeping the separators as tokens. */
function tokens(line: string): string[] {
  return line.split(/( +)/);
}

/**
 * Apply one mutation.
 *
 * @param rng - Case PRNG.
 * @param line - The line.
 * @returns The mutated line.
 * @remarks Context: any.
 */
export function mutateLineOnce(rng: Rng, line: string): string {
  const at = rng.int(line.length + 1);
  return rng.weighted<() => string>([
    [4, () => line.slice(0, at) + randomChar(rng) + line.slice(at + 1)],
    [3, () => line.slice(0, at) + rng.pick(TOKENS) + line.slice(at)],
    [3, () => line.slice(0, at) + line.slice(at + rng.small(8))],
    [3, () => line.slice(0, at)],
    [5, () => {
      const ranges = valueRanges(line);
      if (ranges.length === 0) return line;
      const [s, e] = rng.pick(ranges);
      const v = rng.bool(0.3) ? digitRun(rng) : badValue(rng, rng.pick(TYPES));
      return line.slice(0, s) + v + line.slice(e);
    }],
    [2, () => {
      const t = tokens(line);
      const i = rng.int(t.length);
      t.splice(rng.int(t.length + 1), 0, t[i] ?? '', ' ');
      return t.join('');
    }],
    [2, () => {
      const t = tokens(line);
      t.splice(rng.int(t.length), 1);
      return t.join('');
    }],
    [2, () => {
      const t = tokens(line);
      const i = rng.int(t.length);
      const j = rng.int(t.length);
      [t[i], t[j]] = [t[j] ?? '', t[i] ?? ''];
      return t.join('');
    }],
    [1, () => `${line}${rng.pick(['\r', '\0', ' ', '\r\r', ' x', ' x=', '"'])}`],
    [1, () => line.replace(/ /g, () => (rng.bool(0.2) ? rng.pick(['\t', '  ', '\0', '']) : ' '))],
    [1, () => line.slice(0, at) + line.slice(rng.int(at + 1), at) + line.slice(at)],
    [0.2, () => line.slice(0, at) + overlong(line.slice(at, at + rng.range(1, 40)) || 'x', rng.range(1000, 200_000)) + line.slice(at)],
  ])();
}

/**
 * Apply a few mutations.
 *
 * @param rng - Case PRNG.
 * @param line - The line.
 * @returns The mutated line.
 * @remarks Context: any.
 */
export function mutateLine(rng: Rng, line: string): string {
  let s = line;
  const n = rng.small(5);
  for (let k = 0; k < n; k++) s = mutateLineOnce(rng, s);
  return s;
}
