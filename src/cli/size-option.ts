/**
 * Byte sizes on the command line: `64M`, `8G`, `4096`, `2MiB`.
 *
 * @module
 */
import { InputError } from '../util/errors.js';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/**
 * Parse a byte size with an optional K/M/G/T suffix (powers of 1024, optional `iB`/`B`).
 *
 * @param value - The text.
 * @param flag - Option name for the error.
 * @returns Bytes.
 * @throws InputError (code `bad_option`).
 * @remarks Context: any.
 */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+)\s*([kKmMgGtT]?)(?:i?[bB])?$/.exec(value.trim());
  const n = m ? Number(m[1]) * UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!m || !Number.isSafeInteger(n) || n <= 0) throw new InputError('bad_option', `Cannot use ${flag} '${value}': expected a size such as 4096, 64M or 8G`);
  return n;
}
