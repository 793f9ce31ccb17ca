/**
 * Generators for the `swiotlb=` grammar and whole kernel command lines:
 * numbers in every base and width, commas, keywords right and almost right,
 * quotes, `--`, every isspace() byte, unicode and NULs, plus mutations of
 * well-formed lines.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { digitRun, numberText, randomChar, randomText } from './strings.js';

const KEYWORDS = ['force', 'noforce', 'dynamic', 'FORCE', 'Force', 'noforce ', ' force', 'forc', 'forcee', 'no-force', 'force,noforce', 'noforce,force', 'force,dynamic', 'dynamic,force', 'force,32768', 'force,', ',force', 'force\0', 'forcé', 'f\u00a0orce', ''];
const OTHER_PARAMS = ['quiet', 'ro', 'root=/dev/vda1', 'console=ttyS0,115200', 'iommu=off', 'mem=4G', 'init=/bin/sh', 'swiotlb', 'swiotlb=', 'swiotlbx=1', 'Swiotlb=force', 'swiotlb==force', '=swiotlb', 'a="b c"', 'dyndbg="file swiotlb.c +p"', '--', '-', '"', '""', 'x=', '='];
const SPACES = [' ', ' ', ' ', '  ', '\t', '\n', '\v', '\f', '\r', '\u00a0', ' \t '];

/**
 * One number of a `swiotlb=` value (what simple_strtoul() sees).
 *
 * @param rng - Case PRNG.
 * @returns Number text.
 * @remarks Context: any.
 */
function paramNumber(rng: Rng): string {
  return rng.weighted<() => string>([
    [6, () => numberText(rng)],
    [1, () => rng.pick(['0x', '0X', '0xg', '08', '09', '0x8', '0', '00x10'])],
    [1, () => digitRun(rng)],
  ])();
}

/**
 * A `swiotlb=` value: numbers, commas and a keyword, each part sometimes missing or doubled.
 *
 * @param rng - Case PRNG.
 * @returns The text after `swiotlb=`.
 * @remarks Context: any.
 */
export function swiotlbValue(rng: Rng): string {
  if (rng.bool(0.08)) return randomText(rng, 24);
  let s = '';
  if (rng.bool(0.8)) s += paramNumber(rng);
  if (rng.bool(0.7)) s += rng.bool(0.9) ? ',' : ',,';
  if (rng.bool(0.55)) s += paramNumber(rng);
  if (rng.bool(0.6)) s += rng.bool(0.9) ? ',' : ',,';
  if (rng.bool(0.6)) s += rng.pick(KEYWORDS);
  if (rng.bool(0.1)) s += rng.bool() ? `,${paramNumber(rng)}` : randomChar(rng);
  return mutateText(rng, s, rng.bool(0.2) ? rng.small(4) : 0);
}

/**
 * One command-line word: a `swiotlb=` word (maybe quoted) or another parameter.
 *
 * @param rng - Case PRNG.
 * @returns The word.
 * @remarks Context: any.
 */
function word(rng: Rng): string {
  return rng.weighted<() => string>([
    [5, () => `swiotlb=${swiotlbValue(rng)}`],
    [1, () => `swiotlb="${swiotlbValue(rng)}"`],
    [1, () => `"swiotlb=${swiotlbValue(rng)}"`],
    [3, () => rng.pick(OTHER_PARAMS)],
    [1, () => randomText(rng, 10)],
  ])();
}

/**
 * A kernel command line of a few words joined by assorted whitespace.
 *
 * @param rng - Case PRNG.
 * @returns The command line.
 * @remarks Context: any.
 */
export function kernelCmdline(rng: Rng): string {
  const n = rng.weighted([[1, 0], [6, rng.range(1, 3)], [3, rng.range(4, 12)], [1, rng.range(13, 80)]]);
  let s = rng.bool(0.2) ? rng.pick(SPACES) : '';
  for (let i = 0; i < n; i++) s += (i > 0 ? rng.pick(SPACES) : '') + word(rng);
  if (rng.bool(0.1)) s += rng.pick(SPACES);
  if (rng.bool(0.05)) s += ` -- ${word(rng)}`;
  return mutateText(rng, s, rng.bool(0.25) ? rng.small(5) : 0);
}

/**
 * Apply n character-level mutations (insert, delete, replace, duplicate, truncate).
 *
 * @param rng - Case PRNG.
 * @param text - The text.
 * @param n - Number of mutations.
 * @returns The mutated text.
 * @remarks Context: any.
 */
export function mutateText(rng: Rng, text: string, n: number): string {
  let s = text;
  for (let k = 0; k < n; k++) {
    const at = rng.int(s.length + 1);
    s = rng.weighted<() => string>([
      [3, () => s.slice(0, at) + randomChar(rng) + s.slice(at)],
      [2, () => s.slice(0, at) + s.slice(at + rng.range(1, 4))],
      [2, () => s.slice(0, at) + randomChar(rng) + s.slice(at + 1)],
      [1, () => s.slice(0, at) + s.slice(rng.int(at + 1), at) + s.slice(at)],
      [1, () => s.slice(0, at)],
      [1, () => s.slice(0, at) + rng.pick(['"', '\0', '=', ',', '--', '0x', '\r\n']) + s.slice(at)],
    ])();
  }
  return s;
}
