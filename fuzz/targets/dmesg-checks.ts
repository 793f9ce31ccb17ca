/**
 * Checks on a dmesg report: every line was read (as readline splits them:
 * LF, CRLF or a lone CR), its counts are whole numbers that fit the file,
 * every number is finite (`--json` would print null), every line it points at
 * exists, and no finding says NaN, Infinity or [object ...] unless the log
 * itself did.
 *
 * @module
 */
import type { DmesgReport } from '../../src/lab/explain/dmesg.js';
import { violation, type Outcome } from '../outcome.js';

/** Words that are garbage in a finding unless the log has them (not `undefined`: a finding says "undefined in C"). */
const GARBAGE = ['NaN', 'Infinity', '[object '];

/**
 * Lines readline gives for a file: one per LF, CRLF or lone CR, plus a last line without one.
 *
 * @param bytes - The file.
 * @returns The line count.
 * @remarks Context: any.
 */
export function readlineLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 10 || (b === 13 && bytes[i + 1] !== 10)) n++;
  }
  const last = bytes[bytes.length - 1];
  return bytes.length > 0 && last !== 10 && last !== 13 ? n + 1 : n;
}

/** The first number in a report that is not finite, as `path = value`. */
function notFinite(r: DmesgReport): string | null {
  const tops = { lines: r.lines, swiotlbLines: r.swiotlbLines, areas: r.areas, poolMiB: r.poolMiB };
  for (const [k, v] of Object.entries(tops)) if (v !== null && !Number.isFinite(v)) return `${k} = ${v}`;
  for (const g of r.full) {
    for (const k of ['size', 'total', 'used', 'count', 'firstLine'] as const) if (!Number.isFinite(g[k])) return `full.${k} = ${g[k]}`;
  }
  return null;
}

/**
 * Check a report against the file it came from.
 *
 * @param r - explainDmesg()'s result.
 * @param bytes - The file's bytes.
 * @returns A violation, or null.
 * @remarks Context: any.
 */
export function checkReport(r: DmesgReport, bytes: Uint8Array): Outcome | null {
  const lines = readlineLines(bytes);
  if (r.lines !== lines) return violation('dmesg_line_count', `${r.lines} lines read of ${lines}`);
  if (!Number.isSafeInteger(r.swiotlbLines) || r.swiotlbLines < 0 || r.swiotlbLines > lines) return violation('dmesg_swiotlb_lines', `${r.swiotlbLines} of ${lines}`);
  const bad = notFinite(r);
  if (bad !== null) return violation('dmesg_number_not_finite', bad);
  for (const g of r.full) {
    if (!Number.isSafeInteger(g.count) || g.count < 1 || g.firstLine < 1 || g.firstLine > lines) return violation('dmesg_group', JSON.stringify(g));
  }
  if (r.warnings.length > 50 || r.warnings.some((w) => w.line < 1 || w.line > lines)) return violation('dmesg_warning_line', JSON.stringify(r.warnings.slice(0, 3)));
  const text = Buffer.from(bytes).toString('utf8');
  for (const f of r.findings) {
    if (typeof f !== 'string' || f === '') return violation('dmesg_finding_empty', JSON.stringify(f));
    const word = GARBAGE.find((w) => f.includes(w) && !text.includes(w));
    if (word !== undefined) return violation(`dmesg_finding_garbage_text: ${word}`, f.slice(0, 300));
  }
  return null;
}
