/**
 * Diagnostics for `swiotlb=`: explain, token by token and in plain sentences,
 * what the user's string(s) actually did in the kernel (spec §1.5, §7 items
 * 1-3), from the parser's trace. The remainder/keyword part is in
 * params-explain-rest.ts; findings and the formatter in params-findings.ts.
 *
 * @module
 */
import { IO_TLB_DEFAULT_NSLABS, IO_TLB_SEGSIZE, IO_TLB_SIZE } from './constants.js';
import { adjustNareas, cloneSwiotlbDefaults } from './sizing-defaults.js';
import { isPowerOfTwo, roundupPowOfTwo } from './sizing-math.js';
import { formatBytes, intText, plural } from './params-findings.js';
import type { AddFinding, ParamFinding } from './params-findings.js';
import type { ParamNumber, ParamOccurrence, ParamParseResult, SwiotlbParamState } from './params-types.js';
import { explainRemainder } from './params-explain-rest.js';
import { parseKernelCmdline } from './params-cmdline.js';
import type { CmdlineParseResult } from './params-cmdline.js';

/** Options of the diagnostics. */
export interface ExplainOptions {
  /** Number of possible CPUs, to predict the area count and rounding at boot. */
  possibleCpus?: number;
  /** The parse used the unmerged v2 option-list grammar. @defaultValue false */
  dynamicOption?: boolean;
  /** Parse with the extra 64-bit pool RFC's grammar (a third number is the high pool's slot count). */
  highPoolOption?: boolean;
}

/**
 * A slot count with its size, e.g. `4096 slots (8 MiB)`.
 *
 * @param n - Slot count.
 * @returns The text.
 * @remarks Context: any.
 */
export function slotsText(n: number): string {
  return `${plural(n, 'slot')} (${formatBytes(n * IO_TLB_SIZE)})`;
}

function describeNumber(n: ParamNumber, what: string, next: string, add: AddFinding): void {
  if (n.base === 16) add('hex_number', 'info', `'${n.text}' is hexadecimal: ${what} ${n.valueText}`);
  if (n.base === 8 && n.text === '0' && (next === 'x' || next === 'X')) {
    add('incomplete_hex', 'warning', `'0${next}' is not followed by a hex digit, so it was read as the octal number 0 and the '${next}' ended the number`);
  } else if (n.base === 8 && n.text === '0' && (next === '8' || next === '9')) {
    add('octal_number', 'warning', `'0${next}' starts with 0, so it is octal: only '0' was read (${what} 0) and the '${next}' ended the number`);
  } else if (n.base === 8 && n.text.length > 1) {
    add('octal_number', 'warning', `'${n.text}' starts with 0, so it is octal: ${what} ${n.valueText}, not ${n.text.replace(/^0+(?=\d)/, '')}`);
  }
  if (n.overflowed) {
    add('number_overflow', 'warning', `'${n.text}' does not fit in 64 bits and silently wrapped around to ${n.valueText}`);
  }
}

function explainSlabs(occ: ParamOccurrence, earlier: number | null, add: AddFinding): void {
  const s = occ.slabs;
  if (s === null || occ.value === null) return;
  describeNumber(s, 'slot count', occ.value.charAt(s.text.length), add);
  if (s.aligned > s.value) {
    add('rounded_slabs', 'info', `${plural(s.value, 'slot')} rounded up to ${intText(s.aligned)} (a multiple of 128)`);
  }
  if (s.aligned < s.value) {
    add('rounded_slabs', 'warning', `${s.valueText} slots: rounding up to a multiple of 128 wrapped past 2^64 to ${intText(s.aligned)}`);
  }
  if (s.aligned === 0) {
    add('zero_slabs', 'warning', 'a slot count of 0 does not disable swiotlb: the pool is raised to 128 slots per area (for example 512 slots, 1 MiB, with 4 CPUs); only \'noforce\' disables it');
  }
  if (earlier !== null) {
    add('slabs_overridden', 'info', `replaces the slot count ${intText(earlier)} set by an earlier swiotlb= (the last one wins)`);
  }
}

function explainAreas(occ: ParamOccurrence, add: AddFinding): void {
  const a = occ.areas;
  if (a === null || occ.value === null) return;
  if (occ.slabs === null) {
    add('areas_only', 'info', `no slot count before the comma: only the area count is set (the slot count stays ${intText(occ.before.defaultNslabs)})`);
  } else if (!occ.firstComma) {
    add('area_without_comma', 'warning', `'${a.text}' was taken as the area count although no comma separated it from the slot count`);
  }
  const start = (occ.slabs?.text.length ?? 0) + (occ.firstComma ? 1 : 0);
  describeNumber(a, 'area count', occ.value.charAt(start + a.text.length), add);
  if (a.valueText !== String(a.requested)) {
    add('area_truncated', 'warning', `area count ${a.valueText} does not fit in 32 bits (unsigned int) and was truncated to ${a.requested}`);
  }
  const applied = occ.after.defaultNareas;
  if (a.requested === 0) add('area_zero', 'info', '0 areas means 1 area');
  else if (applied === 0) {
    add('area_overflow', 'warning', `${a.requested} areas round up to 2^32, which does not fit in 32 bits: the area count stays unset and is taken from the CPU count at boot`);
  } else if (applied !== a.requested) add('area_rounded', 'info', `${plural(a.requested, 'area')} rounded up to ${applied} (a power of two)`);
  const before = occ.slabs?.aligned ?? occ.before.defaultNslabs;
  const after = occ.after.defaultNslabs;
  if (occ.after.undefinedBehaviour && !occ.before.undefinedBehaviour) {
    add('slabs_rounded_for_areas', 'warning', `with ${plural(applied, 'area')} the slot count ${intText(before)} is rounded up to a power of two above 2^63, undefined in C: x86-64 and arm64 end up with ${slotsText(after)}`);
  } else if (after !== before) {
    add('slabs_rounded_for_areas', 'info', `with ${plural(applied, 'area')} the pool is rounded up at once from ${intText(before)} to ${slotsText(after)}: a power of two with at least 128 slots per area`);
  }
}

function explainHighSlabs(occ: ParamOccurrence, add: AddFinding): void {
  const h = occ.highSlabs;
  if (h === null || occ.value === null) return;
  const start = (occ.slabs?.text.length ?? 0) + (occ.firstComma ? 1 : 0) + (occ.areas?.text.length ?? 0) + (occ.secondComma ? 1 : 0);
  describeNumber(h, 'high pool slot count', occ.value.charAt(start + h.text.length), add);
  if (h.aligned > h.value) add('rounded_high_slabs', 'info', `${plural(h.value, 'high pool slot')} rounded up to ${intText(h.aligned)} (a multiple of 128)`);
  if (h.aligned === 0) add('no_high_pool', 'info', 'a high pool slot count of 0 means no high pool: every device uses the default pool');
  else add('high_slabs', 'info', `the third number is the extra 64-bit pool's size (the RFC's grammar): ${slotsText(h.aligned)}, placed as high as RAM allows, for devices whose DMA mask reaches it`);
}

function initRounding(state: SwiotlbParamState, cpus: number | undefined): string {
  const n = state.defaultNslabs;
  if (state.defaultNareas !== 0) {
    return `at boot the area count set by the parameter (${state.defaultNareas}) is used and the pool has ${slotsText(n)}`;
  }
  if (cpus !== undefined) {
    const d = cloneSwiotlbDefaults({ ...state, log: [] });
    adjustNareas(d, cpus);
    return `at boot with ${plural(cpus, 'possible CPU')} the pool has ${plural(d.defaultNareas, 'area')} and ${slotsText(d.defaultNslabs)}: a power of two with at least 128 slots per area`;
  }
  const p = n < IO_TLB_SEGSIZE ? IO_TLB_SEGSIZE : isPowerOfTwo(n) ? n : roundupPowOfTwo(n);
  const verb = p === n ? `${plural(n, 'slot')} stay ${intText(n)}` : `${plural(n, 'slot')} become ${slotsText(p)}`;
  const arch = n === IO_TLB_DEFAULT_NSLABS ? ' (unless the architecture adjusts the default size first)' : '';
  return `at boot the pool is rounded up to a power of two with at least 128 slots per area, one area per possible CPU (rounded up to a power of two): ${verb} with up to ${plural(p / IO_TLB_SEGSIZE, 'CPU')}; more CPUs make it larger${arch}`;
}

/**
 * Explain what parsed `swiotlb=` occurrences did, token by token.
 *
 * @param result - Result of parseSwiotlbParams() or parseKernelCmdline().
 * @param options - CPU count for the boot-time prediction; grammar used for the parse.
 * @returns Findings in order: per occurrence, then about the whole command line.
 * @remarks Context: any.
 */
export function explainSwiotlbParams(result: ParamParseResult, options: ExplainOptions = {}): ParamFinding[] {
  const out: ParamFinding[] = [];
  let lastSlabs: number | null = null;
  result.occurrences.forEach((occ, i) => {
    const param = occ.value === null ? 'swiotlb' : `swiotlb=${occ.value}`;
    const add: AddFinding = (code, severity, message) => out.push({ code, severity, message, occurrence: i, param });
    if (occ.value === null) {
      add('no_value', 'warning', "'swiotlb' without '=' hands a NULL pointer to the swiotlb parser, which reads it unchecked (expect an early-boot crash); the model changes nothing");
      return;
    }
    if (occ.value === '') add('empty_value', 'warning', 'the value is empty and changes nothing');
    explainSlabs(occ, lastSlabs, add);
    if (occ.slabs !== null) lastSlabs = occ.slabs.aligned;
    explainAreas(occ, add);
    explainHighSlabs(occ, add);
    explainRemainder(occ, options.dynamicOption === true, add);
  });
  const add: AddFinding = (code, severity, message) => out.push({ code, severity, message, occurrence: null, param: null });
  const st = result.state;
  if (result.occurrences.length === 0) {
    add('no_parameter', 'info', 'no swiotlb= parameter: the defaults apply (32768 slots, 64 MiB, before any architecture adjustment)');
  }
  if (st.forceBounce && st.forceDisable) {
    add('force_and_noforce', 'warning', "'force' and 'noforce' were both given: the kernel checks noforce first at boot, so there is no swiotlb at all and 'force' has no effect");
  }
  if (st.undefinedBehaviour) {
    add('undefined_behaviour', 'warning', 'a slot count above 2^63 was rounded up to a power of two, which is undefined in C (x86-64 and arm64 end up with 1 slot)');
  }
  if (lastSlabs !== null && st.defaultNslabs === IO_TLB_DEFAULT_NSLABS) {
    add('default_size_explicit', 'info', '32768 slots is exactly the default, so the kernel cannot tell it was given: architecture adjustments (6 % of RAM in confidential VMs, 1 MiB per GiB on arm64) still replace it');
  }
  if (!st.forceDisable && result.occurrences.length > 0) add('init_rounding', 'info', initRounding(st, options.possibleCpus));
  return out;
}

/**
 * Parse a whole kernel command line and explain its `swiotlb` words.
 *
 * @param cmdline - Full kernel command line.
 * @param options - CPU count for the boot-time prediction; `dynamicOption` selects the v2 grammar.
 * @returns The parse result and its findings.
 * @remarks Context: any.
 */
export function explainKernelCmdline(
  cmdline: string,
  options: ExplainOptions = {},
): { result: CmdlineParseResult; findings: ParamFinding[] } {
  const result = parseKernelCmdline(cmdline, { dynamicOption: options.dynamicOption === true, highPoolOption: options.highPoolOption === true });
  return { result, findings: explainSwiotlbParams(result, options) };
}
