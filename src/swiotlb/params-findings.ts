/**
 * Findings of the `swiotlb=` diagnostics: a discriminated set of codes with a
 * severity and a plain-sentence message, plus a text formatter. The logic that
 * produces them is in params-explain.ts.
 *
 * @module
 */

/** What a finding is about. Stable identifiers for `--json` consumers. */
export type ParamFindingCode =
  | 'no_parameter'
  | 'no_value'
  | 'empty_value'
  | 'hex_number'
  | 'octal_number'
  | 'incomplete_hex'
  | 'number_overflow'
  | 'rounded_slabs'
  | 'zero_slabs'
  | 'slabs_overridden'
  | 'default_size_explicit'
  | 'areas_only'
  | 'area_without_comma'
  | 'area_zero'
  | 'area_truncated'
  | 'area_rounded'
  | 'area_overflow'
  | 'slabs_rounded_for_areas'
  | 'high_slabs'
  | 'rounded_high_slabs'
  | 'no_high_pool'
  | 'force'
  | 'noforce'
  | 'keyword_case'
  | 'ignored_remainder'
  | 'dynamic'
  | 'invalid_option'
  | 'force_and_noforce'
  | 'undefined_behaviour'
  | 'init_rounding';

/** `info`: what happened as intended or worth knowing; `warning`: likely not what the user meant. */
export type ParamFindingSeverity = 'info' | 'warning';

/** One explained effect of the user's `swiotlb=` string(s). */
export interface ParamFinding {
  code: ParamFindingCode;
  severity: ParamFindingSeverity;
  /** Plain sentence, no trailing period. */
  message: string;
  /** Index of the occurrence it is about, or null for the whole command line. */
  occurrence: number | null;
  /** The word as written (`swiotlb=…` or `swiotlb`), or null for the whole command line. */
  param: string | null;
}

/** Adds one finding about the occurrence being explained. */
export type AddFinding = (code: ParamFindingCode, severity: ParamFindingSeverity, message: string) => void;

/**
 * An integer as decimal text, exact even above 2^53 (no exponent notation).
 *
 * @param n - Integer-valued number.
 * @returns Its decimal digits.
 * @remarks Context: any.
 */
export function intText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  return Number.isInteger(n) ? BigInt(n).toString() : String(n);
}

/**
 * A count with its noun, singular for 1 (`1 slot`, `4 areas`).
 *
 * @param n - The count.
 * @param noun - Singular noun.
 * @returns E.g. `1 slot`, `4096 slots`.
 * @remarks Context: any.
 */
export function plural(n: number, noun: string): string {
  return `${intText(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * Human-readable size of a byte count: KiB below 1 MiB, GiB for whole GiB, else MiB.
 *
 * @param bytes - Byte count.
 * @returns E.g. `256 KiB`, `8 MiB`, `1 GiB`, `491.5 MiB`.
 * @remarks Context: any.
 */
export function formatBytes(bytes: number): string {
  const KiB = 1024;
  const MiB = KiB * 1024;
  const GiB = MiB * 1024;
  const fmt = (v: number): string => String(Number(v.toFixed(2)));
  if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
  if (bytes >= MiB) return `${fmt(bytes / MiB)} MiB`;
  return `${fmt(bytes / KiB)} KiB`;
}

/**
 * Format findings as text: one block per parameter word, in order, then the
 * findings about the whole command line.
 *
 * @param findings - Findings from explainSwiotlbParams().
 * @returns Lines such as `swiotlb=1000` then `  info: 1000 slots rounded up to 1024 …`.
 * @remarks Context: any.
 */
export function formatParamFindings(findings: readonly ParamFinding[]): string {
  const lines: string[] = [];
  let current: string | null | undefined;
  const global: ParamFinding[] = [];
  for (const f of findings) {
    if (f.occurrence === null || f.param === null) {
      global.push(f);
      continue;
    }
    const key = `#${f.occurrence} ${f.param}`;
    if (key !== current) {
      lines.push(f.param);
      current = key;
    }
    lines.push(`  ${f.severity}: ${f.message}`);
  }
  if (global.length > 0) {
    lines.push('overall');
    for (const f of global) lines.push(`  ${f.severity}: ${f.message}`);
  }
  return lines.join('\n');
}
