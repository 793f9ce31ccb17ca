/**
 * Checks on a normal result of the `swiotlb=` parser, the explain mode and
 * boot sizing: no partial or garbage values presented as a result (NaN,
 * fractional counts, a result `--json` cannot print).
 *
 * @module
 */
import type { ParamParseResult } from '../../src/swiotlb/params.js';
import type { ParamFinding } from '../../src/swiotlb/params-findings.js';
import type { BootPool } from '../../src/swiotlb/sizing.js';
import { violation, type Outcome } from '../outcome.js';

/** Whether `--json` can print it (no BigInt, no cycle). */
function jsonError(value: unknown): string | null {
  try {
    JSON.stringify(value);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Check a parse result.
 *
 * @param r - The result.
 * @param occurrences - How many `swiotlb` words (or values) went in.
 * @returns A violation, or null when it is sound.
 * @remarks Context: any.
 */
export function checkParse(r: ParamParseResult, occurrences: number): Outcome | null {
  const s = r.state;
  if (r.occurrences.length !== occurrences) return violation('params_occurrences', `${r.occurrences.length} occurrences for ${occurrences} swiotlb words`);
  if (!Number.isFinite(s.defaultNslabs) || s.defaultNslabs < 0) return violation('params_nslabs', `defaultNslabs ${s.defaultNslabs}`);
  if (!Number.isSafeInteger(s.defaultNareas) || s.defaultNareas < 0 || s.defaultNareas > 2 ** 32) {
    return violation('params_nareas', `defaultNareas ${s.defaultNareas}`);
  }
  const json = jsonError(r);
  return json === null ? null : violation('params_not_json', json);
}

/**
 * Check explain findings.
 *
 * @param findings - The findings.
 * @returns A violation, or null when each has a code, a severity and a message.
 * @remarks Context: any.
 */
export function checkFindings(findings: readonly ParamFinding[]): Outcome | null {
  for (const f of findings) {
    if (typeof f.code !== 'string' || (f.code as string) === '' || typeof f.message !== 'string' || f.message === '') {
      return violation('finding_empty', JSON.stringify(f));
    }
    // NaN or Infinity in a message is garbage unless the user typed it.
    const typed = f.param ?? '';
    for (const bad of ['NaN', 'Infinity', '[object ']) {
      if (f.message.includes(bad) && !typed.includes(bad)) return violation('finding_garbage_text', `${f.code}: ${f.message}`);
    }
  }
  return null;
}

/**
 * Check a boot pool.
 *
 * @param b - computeBootPool()'s result.
 * @returns A violation, or null when the geometry is consistent.
 * @remarks Context: any.
 */
export function checkBoot(b: BootPool): Outcome | null {
  for (const k of ['nslabs', 'nareas', 'areaNslabs', 'bytes', 'defaultNslabs', 'defaultNareas'] as const) {
    if (!Number.isFinite(b[k]) || b[k] < 0) return violation('boot_number', `${k} = ${b[k]}`);
  }
  if (b.bytes !== b.nslabs * 2048) return violation('boot_bytes', `bytes ${b.bytes} for ${b.nslabs} slots`);
  const json = jsonError(b);
  return json === null ? null : violation('boot_not_json', json);
}
