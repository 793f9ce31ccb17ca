/**
 * A whole kernel command line: split into `param[=value]` words the way the
 * early-parameter pass does (lib/cmdline.c next_arg(), kernel/params.c
 * parse_args()), then every `swiotlb` word handed, in order, to the
 * `swiotlb=` parser.
 *
 * Modelled: whitespace as the kernel's isspace() (bytes 9-13, 32 and 0xA0 of
 * the UTF-8 text), double quotes around a word or a value, the stop at `--`.
 * Not modelled: COMMAND_LINE_SIZE truncation, built-in/bootconfig command lines.
 *
 * @module
 */
import { bytesToText, cStringBytes } from './params-strtoul.js';
import { createSwiotlbDefaults } from './sizing-defaults.js';
import { applySwiotlbParam } from './params.js';
import type { ParamParseOptions, ParamParseResult } from './params.js';

/** One command-line word as the kernel splits it. */
export interface CmdlineArg {
  /** Parameter name (text before the first `=`). */
  param: string;
  /** Text after the first `=`, or null when there is no `=`. */
  value: string | null;
}

/** The words of a command line, up to the `--` that ends kernel parameters. */
export interface SplitCmdline {
  /** Words the early-parameter pass sees, in order. */
  args: CmdlineArg[];
  /** Text after a bare `--` (arguments for init), or null when there is none. */
  afterDashDash: string | null;
}

/** Result of parsing a whole command line. */
export interface CmdlineParseResult extends ParamParseResult, SplitCmdline {}

const QUOTE = 0x22;
const EQUALS = 0x3d;

function isSpace(c: number | undefined): boolean {
  return c !== undefined && ((c >= 9 && c <= 13) || c === 32 || c === 0xa0);
}

/**
 * Split a command line like parse_args() with next_arg(): skip spaces, honour
 * double quotes, cut each word at its first `=`, stop at a bare `--`.
 *
 * @param cmdline - The command line (encoded as UTF-8, cut at a NUL).
 * @returns The words and any text after `--`.
 * @remarks Context: any.
 */
export function splitKernelCmdline(cmdline: string): SplitCmdline {
  const b = cStringBytes(cmdline);
  const args: CmdlineArg[] = [];
  let pos = 0;
  while (isSpace(b[pos])) pos++;
  while (pos < b.length) {
    let start = pos;
    let inQuote = false;
    let quoted = false;
    if (b[start] === QUOTE) {
      start++;
      inQuote = quoted = true;
    }
    let i = 0;
    let equals = 0; // 0 means "none": an '=' at index 0 is not a separator, as in the kernel
    for (; start + i < b.length; i++) {
      const c = b[start + i];
      if (isSpace(c) && !inQuote) break;
      if (equals === 0 && c === EQUALS) equals = i;
      if (c === QUOTE) inQuote = !inQuote;
    }
    let end = start + i; // the kernel writes a NUL here (or this is the string end)
    let valueStart = -1;
    if (equals !== 0) {
      valueStart = start + equals + 1;
      if (b[valueStart] === QUOTE) {
        valueStart++;
        if (b[end - 1] === QUOTE) end--;
      }
    }
    if (quoted && i > 0 && b[start + i - 1] === QUOTE) end = Math.min(end, start + i - 1);
    const paramEnd = equals !== 0 ? start + equals : end;
    const param = bytesToText(b, start, Math.min(paramEnd, end));
    const value = equals !== 0 ? (valueStart >= end ? '' : bytesToText(b, valueStart, end)) : null;
    pos = start + i < b.length ? start + i + 1 : b.length;
    while (isSpace(b[pos])) pos++;
    if (value === null && param === '--') {
      return { args, afterDashDash: bytesToText(b, pos) };
    }
    args.push({ param, value });
  }
  return { args, afterDashDash: null };
}

/**
 * Parse every `swiotlb` word of a kernel command line, in order, starting from
 * the kernel's initial globals. Other words are ignored.
 *
 * @param cmdline - Full kernel command line.
 * @param options - Grammar options for the `swiotlb=` parser.
 * @returns Final globals, parse-time log lines, one trace per `swiotlb` word, and the split words.
 * @remarks Context: any.
 */
export function parseKernelCmdline(cmdline: string, options: ParamParseOptions = {}): CmdlineParseResult {
  const split = splitKernelCmdline(cmdline);
  const defaults = createSwiotlbDefaults();
  const occurrences = split.args
    .filter((a) => a.param === 'swiotlb')
    .map((a) => applySwiotlbParam(defaults, a.value, options));
  const { log, ...state } = defaults;
  return { state, logLines: [...log], occurrences, ...split };
}
