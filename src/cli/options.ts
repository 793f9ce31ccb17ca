/**
 * Parsers for CLI option values, with clear errors.
 *
 * @module
 */
import { InputError } from '../util/errors.js';

/**
 * Parse a non-negative integer option written in decimal or 0x-hex.
 *
 * @param value - The text.
 * @param flag - Option name for the error.
 * @returns The number.
 * @throws InputError (code `bad_option`).
 * @remarks Context: any.
 */
export function parseIntOption(value: string, flag: string): number {
  const ok = /^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(value);
  const n = ok ? Number(value) : NaN;
  if (!ok || !Number.isSafeInteger(n)) throw new InputError('bad_option', `Cannot use ${flag} '${value}': expected a non-negative integer (decimal or 0x-hex)`);
  return n;
}

/**
 * Parse a positive integer option (at least 1).
 *
 * @param value - The text.
 * @param flag - Option name for the error.
 * @returns The number.
 * @throws InputError (code `bad_option`).
 * @remarks Context: any.
 */
export function parsePositiveIntOption(value: string, flag: string): number {
  const n = parseIntOption(value, flag);
  if (n < 1) throw new InputError('bad_option', `Cannot use ${flag} '${value}': expected a positive integer`);
  return n;
}
