/**
 * Run configurations as file text: a value written as TOML or JSON (any
 * indentation), with number literals swapped for ones at the edge of either
 * grammar (1e400, -0, hex, octal, inf, nan, dates, digit separators), plus
 * the tokens each grammar treats specially, for byte-level insertion.
 *
 * @module
 */
import { stringify as toToml } from 'smol-toml';
import type { Rng } from '../rng.js';

/** A config file format. */
export type ConfigFormat = 'toml' | 'json';

/** Number literals at the edge of each grammar (some valid, most not). */
const NUMBER_LITERALS: Readonly<Record<ConfigFormat, readonly string[]>> = {
  json: ['1e400', '-0', '1e-400', '0x10', '01', 'NaN', 'Infinity', '-Infinity', '1_000', '+1', '.5', '5.', '9007199254740993', '1E2', '-', '00', '4294967296', '1099511627777', '0.0005'],
  toml: ['0x10', '0o17', '0b101', 'inf', '+inf', '-inf', 'nan', '-nan', '1_000', '1__0', '1e400', '-0', '+0.0', '0.', '.5', '01', '9223372036854775807', '9223372036854775808', '1979-05-27', '07:32:00', '1979-05-27T07:32:00Z', '"4"', 'true', '0x', '1e-400', '4294967296'],
};

/** Strings each grammar treats specially, inserted at random places by the byte mutator. */
export const CONFIG_TOKENS: Readonly<Record<ConfigFormat, readonly string[]>> = {
  json: ['{', '}', '[', ']', ',', ':', '"', '\\', '\\u', '\\ud800', '\\u0000', 'null', 'true', '1e999', '\n', ' ', '//', '/*', '"seed": 1, ', '"seed": 2, ', '{"a":', '[[[[[['],
  toml: ['[', ']', '[[', ']]', '=', ' = ', '"', "'", '"""', "'''", '\\', '\\u', '\\UFFFFFFFF', '\\U0010FFFF', '#', '.', ',', '{', '}', 'inf', 'nan', '\n', '\r', '[machine]\n', '[workload.knobs]\n', '[workload]\n', 'seed = 1\n', 'a = {b = {c = {', '[[machine]]\n'],
};

/** Write a value in a format; TOML cannot hold every value (a top level that is not a table, null), JSON can. */
function write(value: unknown, format: ConfigFormat, indent: number): { text: string; format: ConfigFormat } {
  if (format === 'toml') {
    try {
      return { text: toToml(value), format };
    } catch {
      // Fall through to JSON.
    }
  }
  return { text: JSON.stringify(value, null, indent) ?? 'null', format: 'json' };
}

/**
 * A value as a config file.
 *
 * @param rng - Case PRNG.
 * @param value - The parsed form to write.
 * @param format - Preferred format (JSON when TOML cannot hold the value).
 * @returns The text and the format it is in.
 * @remarks Context: any.
 */
export function configText(rng: Rng, value: unknown, format: ConfigFormat): { text: string; format: ConfigFormat } {
  const out = write(value, format, rng.pick([0, 2, 4]));
  let text = out.text;
  const swaps = rng.bool(0.2) ? rng.small(3) : 0;
  const numbers = swaps > 0 ? [...text.matchAll(/(?<![\w.])-?\d+(\.\d+)?(e[+-]?\d+)?(?![\w.])/gi)] : [];
  for (let n = swaps; n > 0 && numbers.length > 0; n--) {
    const m = rng.pick(numbers);
    const at = m.index;
    if (text.slice(at, at + m[0].length) !== m[0]) continue; // an earlier swap moved it
    text = text.slice(0, at) + rng.pick(NUMBER_LITERALS[out.format]) + text.slice(at + m[0].length);
  }
  return { text, format: out.format };
}
