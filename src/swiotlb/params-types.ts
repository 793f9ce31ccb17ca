/**
 * Data types of the `swiotlb=` parser: options, the resulting globals and the
 * per-occurrence trace used by diagnostics.
 *
 * @module
 */
import type { SwiotlbDefaults } from './sizing-defaults.js';
import type { StrtoulBase } from './params-strtoul.js';

/** Options of the parser. */
export interface ParamParseOptions {
  /**
   * Accept the unmerged 2023 v2 grammar: after the numbers, a comma-separated
   * list of `force`, `noforce`, `dynamic`; other words warn. Never in a release.
   * @defaultValue false
   */
  dynamicOption?: boolean;
  /**
   * The extra 64-bit pool RFC's grammar: a third number, after the area count,
   * is the high pool's slot count (`swiotlb=<slots>,<areas>,<high slots>[,force]`).
   * The RFC predates area counts and put the high size second; on kernels that
   * read the second number as the area count the model takes it third.
   */
  highPoolOption?: boolean;
}

/** The swiotlb globals after parsing (SwiotlbDefaults without the log). */
export type SwiotlbParamState = Omit<SwiotlbDefaults, 'log'>;

/** A number read by simple_strtoul(). */
export interface ParamNumber {
  /** Source text consumed, including any `0x` prefix. */
  text: string;
  /** Base chosen by auto-detection. */
  base: StrtoulBase;
  /** Value mod 2^64 in decimal (exact). */
  valueText: string;
  /** Value mod 2^64 as a number (nearest double below 2^64 when above 2^53). */
  value: number;
  /** The digits did not fit in 64 bits and wrapped. */
  overflowed: boolean;
}

/** One word of the v2 option list. */
export interface ParamOption {
  word: string;
  effect: 'force' | 'noforce' | 'dynamic' | 'invalid';
}

/** What one `swiotlb=` occurrence did. */
export interface ParamOccurrence {
  /** Text after `swiotlb=`; null for a bare `swiotlb` (the kernel gets a NULL pointer). */
  value: string | null;
  /** First number: default_nslabs = ALIGN(value, 128). */
  slabs: (ParamNumber & { aligned: number }) | null;
  /** Second number: passed to swiotlb_adjust_nareas() as `unsigned int`. */
  areas: (ParamNumber & { requested: number }) | null;
  /** A comma was skipped after the (possibly absent) first number. */
  firstComma: boolean;
  /** A comma was skipped after the (possibly absent) second number. */
  secondComma: boolean;
  /** The high pool's slot count (highPoolOption grammar only), with its rounding to a multiple of 128. */
  highSlabs: (ParamNumber & { aligned: number }) | null;
  /** A comma was skipped after the high pool's slot count. */
  thirdComma: boolean;
  /** The text compared with `force` / `noforce` (or split into options). */
  remainder: string;
  /** Keyword recognised as the entire remainder (released grammar). */
  keyword: 'force' | 'noforce' | null;
  /** Option words (v2 grammar only; empty otherwise). */
  options: ParamOption[];
  /** Kernel log lines printed while parsing this occurrence. */
  logLines: string[];
  /** Globals before and after this occurrence. */
  before: SwiotlbParamState;
  after: SwiotlbParamState;
}

/** Result of parsing one or several occurrences. */
export interface ParamParseResult {
  /** Final globals. */
  state: SwiotlbParamState;
  /** Every kernel log line printed at parse time, in order. */
  logLines: string[];
  /** Per-occurrence traces, in order. */
  occurrences: ParamOccurrence[];
}
