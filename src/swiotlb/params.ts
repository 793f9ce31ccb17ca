/**
 * The `swiotlb=` boot parameter, parsed exactly as setup_io_tlb_npages() does
 * from 6.1.0 to 7.0.0 (spec §1.5), one occurrence after another with the
 * state accumulating, plus (behind `dynamicOption`) the option-list grammar of
 * the unmerged 2023 v2 series (spec §6.2).
 *
 * Every occurrence is also recorded as a trace (numbers, bases, commas,
 * remainder) so diagnostics can explain what happened without re-parsing.
 *
 * @module
 */
import { cloneSwiotlbDefaults, createSwiotlbDefaults, adjustNareas, swiotlbLog } from './sizing-defaults.js';
import type { SwiotlbDefaults } from './sizing-defaults.js';
import type {
  ParamNumber,
  ParamOccurrence,
  ParamOption,
  ParamParseOptions,
  ParamParseResult,
  SwiotlbParamState,
} from './params-types.js';
import { IO_TLB_SEGSIZE } from './constants.js';
import { alignU64, toU32, u64ToNumber } from './sizing-math.js';
import { bytesToText, cStringBytes, isDigitAt, restEquals, simpleStrtoul } from './params-strtoul.js';

export type {
  ParamNumber,
  ParamOccurrence,
  ParamOption,
  ParamParseOptions,
  ParamParseResult,
  SwiotlbParamState,
} from './params-types.js';

function snapshot(d: SwiotlbDefaults): SwiotlbParamState {
  const { log: _log, ...rest } = d;
  return rest;
}

function readNumber(bytes: Uint8Array, at: number): ParamNumber & { end: number; raw: bigint } {
  const r = simpleStrtoul(bytes, at);
  return {
    text: bytesToText(bytes, at, r.end),
    base: r.base,
    valueText: r.value.toString(),
    value: u64ToNumber(r.value),
    overflowed: r.overflowed,
    end: r.end,
    raw: r.value,
  };
}

function parseOptionList(d: SwiotlbDefaults, bytes: Uint8Array, start: number): ParamOption[] {
  const out: ParamOption[] = [];
  let at = start;
  while (at < bytes.length) {
    const comma = bytes.indexOf(0x2c, at);
    const end = comma < 0 ? bytes.length : comma;
    const word = bytesToText(bytes, at, end);
    const token = bytes.subarray(0, end); // strsep() wrote a NUL at the comma
    let effect: ParamOption['effect'] = 'invalid';
    if (restEquals(token, at, 'force')) effect = 'force';
    else if (restEquals(token, at, 'noforce')) effect = 'noforce';
    else if (restEquals(token, at, 'dynamic')) effect = 'dynamic';
    if (effect === 'force') d.forceBounce = true;
    else if (effect === 'noforce') d.forceDisable = true;
    else if (effect === 'dynamic') d.dynamic = true;
    else swiotlbLog(d, `Invalid swiotlb option: ${word}`);
    out.push({ word, effect });
    if (comma < 0) break; // strsep() set the cursor to NULL
    at = comma + 1;
  }
  return out;
}

/**
 * Apply one `swiotlb=` occurrence to the globals, as setup_io_tlb_npages().
 *
 * Steps: a leading digit starts the slab count (simple_strtoul base 0, then
 * ALIGN to 128); one optional comma; a digit starts the area count, applied at
 * once by swiotlb_adjust_nareas(); one optional comma; the whole rest must be
 * exactly `force` or `noforce`, anything else is silently ignored. Never fails.
 *
 * @param defaults - Globals to update (their log grows).
 * @param value - Text after `swiotlb=`, or null for a bare `swiotlb` (left unchanged:
 *   the kernel would dereference a NULL pointer).
 * @param options - Grammar options.
 * @returns The trace of this occurrence.
 * @remarks Context: boot, single-threaded (early_param, once per occurrence).
 */
export function applySwiotlbParam(
  defaults: SwiotlbDefaults,
  value: string | null,
  options: ParamParseOptions = {},
): ParamOccurrence {
  const before = snapshot(defaults);
  const logStart = defaults.log.length;
  const occ: ParamOccurrence = {
    value, slabs: null, areas: null, firstComma: false, secondComma: false, highSlabs: null, thirdComma: false, remainder: '', keyword: null,
    options: [], logLines: [], before, after: before,
  };
  if (value !== null) {
    const bytes = cStringBytes(value);
    let at = 0;
    if (isDigitAt(bytes, at)) {
      const n = readNumber(bytes, at);
      defaults.defaultNslabs = alignU64(n.raw, IO_TLB_SEGSIZE);
      occ.slabs = { text: n.text, base: n.base, valueText: n.valueText, value: n.value,
        overflowed: n.overflowed, aligned: defaults.defaultNslabs };
      at = n.end;
    }
    if (bytes[at] === 0x2c) { at++; occ.firstComma = true; }
    if (isDigitAt(bytes, at)) {
      const n = readNumber(bytes, at);
      const requested = toU32(n.raw);
      occ.areas = { text: n.text, base: n.base, valueText: n.valueText, value: n.value,
        overflowed: n.overflowed, requested };
      adjustNareas(defaults, requested);
      at = n.end;
    }
    if (bytes[at] === 0x2c) { at++; occ.secondComma = true; }
    if (options.highPoolOption === true && isDigitAt(bytes, at)) {
      const n = readNumber(bytes, at);
      defaults.highNslabs = alignU64(n.raw, IO_TLB_SEGSIZE);
      occ.highSlabs = { text: n.text, base: n.base, valueText: n.valueText, value: n.value, overflowed: n.overflowed, aligned: defaults.highNslabs };
      at = n.end;
      if (bytes[at] === 0x2c) { at++; occ.thirdComma = true; }
    }
    occ.remainder = bytesToText(bytes, at);
    if (options.dynamicOption === true) {
      occ.options = parseOptionList(defaults, bytes, at);
    } else if (restEquals(bytes, at, 'force')) {
      defaults.forceBounce = true;
      occ.keyword = 'force';
    } else if (restEquals(bytes, at, 'noforce')) {
      defaults.forceDisable = true;
      occ.keyword = 'noforce';
    }
  }
  occ.logLines = defaults.log.slice(logStart);
  occ.after = snapshot(defaults);
  return occ;
}

/**
 * Parse one or several `swiotlb=` values in command-line order, starting from
 * the kernel's initial globals.
 *
 * @param values - One value, or the values of several occurrences (text after `swiotlb=`).
 * @param options - Grammar options.
 * @returns Final globals, parse-time log lines and one trace per occurrence.
 * @remarks Context: any.
 */
export function parseSwiotlbParams(
  values: string | readonly (string | null)[],
  options: ParamParseOptions = {},
): ParamParseResult {
  const defaults = createSwiotlbDefaults();
  const list = typeof values === 'string' ? [values] : values;
  const occurrences = list.map((v) => applySwiotlbParam(defaults, v, options));
  return { state: snapshot(defaults), logLines: [...defaults.log], occurrences };
}

/**
 * Rebuild the mutable globals (with their log) from a parse result, to continue
 * with the arch and init steps.
 *
 * @param result - A parse result.
 * @returns A fresh SwiotlbDefaults equal to the state after parsing.
 * @remarks Context: any.
 */
export function defaultsFromParse(result: ParamParseResult): SwiotlbDefaults {
  return cloneSwiotlbDefaults({ ...result.state, log: result.logLines });
}
