/**
 * Primitive generators shared by every target: random text (ASCII, control
 * bytes, unicode, NUL, CRLF), digit runs, and numbers that sit on the edges
 * parsers care about (0, 2^31, 2^32, 2^53, 2^64, all-ones, octal, hex).
 *
 * @module
 */
import type { Rng } from '../rng.js';

/** Characters parsers treat specially, and a few that only look special. */
const SPECIAL = [' ', '  ', '\t', '\n', '\r', '\r\n', '\0', '\v', '\f', '=', ',', ':', ';', '"', "'", '\\', '[', ']', '(', ')', '{', '}', '|', '/', '-', '--', '+', '.', '#', '_', '%', '*'];
/** Non-ASCII text: U+00A0 (its byte 0xA0 is a kernel isspace()), full-width digits, RTL, emoji, lone surrogates. */
const UNICODE = ['\u00a0', 'é', 'à', '１２３', '٣', '\u2028', '\u200b', '\ufeff', 'ß', 'Ω', '😀', '\ud800', '\udfff', '\u0301', '中文', '\u{10ffff}'];
/** Edge values as decimal text. */
const EDGE_DECIMALS = [
  '0', '1', '2', '3', '7', '8', '127', '128', '129', '255', '256', '2048', '4096', '32767', '32768', '65536',
  '2147483647', '2147483648', '4294967295', '4294967296', '4294967297', '9007199254740991', '9007199254740992',
  '9007199254740993', '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616',
  '99999999999999999999999999', '-1', '-0', '-9007199254740993', '00', '007', '08', '09', '010',
];
/** Edge values as hex text (with and without the 0x prefix). */
const EDGE_HEX = [
  '0x0', '0x1', '0x80', '0xfff', '0x1000', '0x7fffffff', '0x80000000', '0xffffffff', '0x100000000', '0x1fffffffffffff',
  '0x20000000000000', '0x7fffffffffffffff', '0x8000000000000000', '0xffffffffffffffff', '0x10000000000000000',
  '0xfffffffffffffffff', '0x', '0X', '0xg', '0x-1', '0x 1', 'ffffffffffffffff', 'deadbeef', '0xDEADBEEF', '0x00000000000000000001',
];

/**
 * A random character: mostly printable ASCII, sometimes special, control or non-ASCII.
 *
 * @param rng - Case PRNG.
 * @returns One or a few characters.
 * @remarks Context: any.
 */
export function randomChar(rng: Rng): string {
  return rng.weighted<() => string>([
    [8, () => String.fromCharCode(rng.range(0x20, 0x7e))],
    [3, () => rng.pick(SPECIAL)],
    [1, () => String.fromCharCode(rng.range(0, 0x1f))],
    [1, () => rng.pick(UNICODE)],
    [1, () => String.fromCodePoint(rng.range(0x80, 0x2fff))],
  ])();
}

/**
 * A random string of up to `max` characters.
 *
 * @param rng - Case PRNG.
 * @param max - Longest length, in draws.
 * @returns The string.
 * @remarks Context: any.
 */
export function randomText(rng: Rng, max: number): string {
  const n = rng.int(max + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += randomChar(rng);
  return s;
}

/**
 * A run of digits (sometimes hundreds long, sometimes with leading zeros).
 *
 * @param rng - Case PRNG.
 * @param digits - The alphabet (`0123456789` or hex digits).
 * @returns The digit string.
 * @remarks Context: any.
 */
export function digitRun(rng: Rng, digits = '0123456789'): string {
  const n = rng.weighted([[6, rng.range(1, 6)], [3, rng.range(7, 21)], [1, rng.range(22, 400)]]);
  let s = rng.bool(0.1) ? '0'.repeat(rng.range(1, 30)) : '';
  for (let i = 0; i < n; i++) s += digits[rng.int(digits.length)];
  return s;
}

/**
 * A number as text: an edge value, a small or large random value, in decimal, octal or hex.
 *
 * @param rng - Case PRNG.
 * @returns The text.
 * @remarks Context: any.
 */
export function numberText(rng: Rng): string {
  return rng.weighted<() => string>([
    [4, () => rng.pick(EDGE_DECIMALS)],
    [3, () => rng.pick(EDGE_HEX)],
    [4, () => String(rng.int(1 << rng.range(1, 24)))],
    [1, () => `0x${rng.int(2 ** 31).toString(16)}${rng.bool() ? rng.int(2 ** 21).toString(16) : ''}`],
    [2, () => digitRun(rng)],
    [1, () => `0x${digitRun(rng, '0123456789abcdefABCDEF')}`],
    [1, () => `0${digitRun(rng, '01234567')}`],
  ])();
}

/**
 * Text that is not a number where a number is expected (wrong type).
 *
 * @param rng - Case PRNG.
 * @returns The text.
 * @remarks Context: any.
 */
export function notANumber(rng: Rng): string {
  return rng.pick(['', ' ', 'abc', '1.5', '1e3', '+1', '--1', '1-', '0x1.8', 'NaN', 'Infinity', 'null', '"12"', '(fault)', '12a', 'a12', '１２', '1,2', '{}', '{0x1}', '0b101', '٣', `${'9'.repeat(30)}x`]);
}

/**
 * Repeat a piece until the text reaches `length` characters (overlong inputs).
 *
 * @param piece - What to repeat (non-empty).
 * @param length - Target length.
 * @returns The long text.
 * @remarks Context: any.
 */
export function overlong(piece: string, length: number): string {
  return piece.repeat(Math.ceil(length / Math.max(1, piece.length))).slice(0, length);
}
