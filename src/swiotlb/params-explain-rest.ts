/**
 * Diagnostics for what follows the numbers of a `swiotlb=` value: the
 * keyword (`force` / `noforce`, recognised only as the entire rest) or, in
 * the unmerged v2 grammar, the option list.
 *
 * @module
 */
import type { ParamOccurrence } from './params-types.js';
import type { AddFinding } from './params-findings.js';

const FORCE_MEANING = 'every streaming DMA mapping bounces through the swiotlb pool, even for devices that could reach the memory directly';
const NOFORCE_MEANING = 'swiotlb is disabled entirely: no pool is allocated and nothing can bounce (meant for debugging)';

function explainOptions(occ: ParamOccurrence, add: AddFinding): void {
  for (const o of occ.options) {
    if (o.effect === 'force') add('force', 'info', `'force': ${FORCE_MEANING}`);
    else if (o.effect === 'noforce') add('noforce', 'warning', `'noforce': ${NOFORCE_MEANING}`);
    else if (o.effect === 'dynamic') add('dynamic', 'info', "'dynamic': bounce buffers may also be allocated on demand (2023 v2 series only, never released)");
    else add('invalid_option', 'warning', `'${o.word}' is not an option (force, noforce, dynamic): the kernel warns 'Invalid swiotlb option: ${o.word}'`);
  }
}

function ignoredReason(rest: string): { code: 'keyword_case' | 'ignored_remainder'; message: string } {
  const lower = rest.toLowerCase();
  if (lower === 'force' || lower === 'noforce') {
    return { code: 'keyword_case', message: `'${rest}' was ignored: keywords are case-sensitive (write '${lower}')` };
  }
  const after = /^(force|noforce),(.*)$/su.exec(rest);
  if (after !== null) {
    const hint = after[1] === 'force' && /^\d/u.test(after[2] ?? '') ? ` (write 'swiotlb=${after[2]},force')` : '';
    return {
      code: 'ignored_remainder',
      message: `'${rest}' was ignored: after the numbers the rest must be exactly 'force' or 'noforce', and numbers after a keyword are never parsed${hint}`,
    };
  }
  if (rest.startsWith(',')) {
    return { code: 'ignored_remainder', message: `'${rest}' was ignored: only one comma is skipped after each number, and the rest must then be exactly 'force' or 'noforce'` };
  }
  if (/^\d/u.test(rest)) {
    return { code: 'ignored_remainder', message: `'${rest}' was ignored: at most two numbers are read (slot count, area count)` };
  }
  return { code: 'ignored_remainder', message: `'${rest}' was ignored: after the numbers the rest must be exactly 'force' or 'noforce'` };
}

/**
 * Explain the keyword part of one occurrence (or its v2 option list).
 *
 * @param occ - Trace of the occurrence.
 * @param dynamicOption - The parse used the v2 option-list grammar.
 * @param add - Sink for findings about this occurrence.
 * @remarks Context: any.
 */
export function explainRemainder(occ: ParamOccurrence, dynamicOption: boolean, add: AddFinding): void {
  if (dynamicOption) {
    explainOptions(occ, add);
    return;
  }
  if (occ.keyword === 'force') add('force', 'info', `'force': ${FORCE_MEANING}`);
  else if (occ.keyword === 'noforce') add('noforce', 'warning', `'noforce': ${NOFORCE_MEANING}`);
  else if (occ.remainder !== '') {
    const r = ignoredReason(occ.remainder);
    add(r.code, 'warning', r.message);
  }
}
