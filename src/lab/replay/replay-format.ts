/**
 * Text output of a replay: one block per trace, or a table for several.
 *
 * @module
 */
import type { ReplayResult } from './replay-types.js';

const hex = (n: number): string => (n < 0 ? '-1' : `0x${n.toString(16)}`);

/** Make untrusted text safe for a terminal: no control characters. */
function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Events the capture lost, as far as the trace and its side file tell (ring buffer, overwritten). */
function incomplete(r: ReplayResult): boolean {
  return r.lostEvents > 0 || r.overwrittenEvents > 0 || r.warnings.some((w) => w.startsWith('the capture missed') || w.startsWith('the capture lost'));
}

/**
 * The verdict on one replay: OK when decisions were compared and all
 * matched, NOTHING when the trace had no decision to compare (swiotlb_bounced
 * alone), MISMATCH otherwise (INCOMPLETE when the capture is known to miss
 * events, which alone can explain the difference).
 *
 * @param r - The result.
 * @returns One word.
 * @remarks Context: any; pure.
 */
export function replayVerdict(r: ReplayResult): 'OK' | 'NOTHING' | 'MISMATCH' | 'INCOMPLETE' {
  if (r.mismatched > 0) return incomplete(r) ? 'INCOMPLETE' : 'MISMATCH';
  return r.matched === 0 ? 'NOTHING' : 'OK';
}

const VERDICT_TEXT = {
  OK: 'OK: every decision matches the kernel',
  NOTHING: 'NOTHING TO COMPARE: the trace has no decision of the kernel to check (see the warnings)',
  MISMATCH: 'MISMATCH',
  INCOMPLETE: 'MISMATCH, and the capture is incomplete (see the warnings): the missing events can explain it',
} as const;

/**
 * Format one replay result for people.
 *
 * @param r - The result.
 * @returns Text ending in a newline.
 * @remarks Context: any.
 */
export function formatReplay(r: ReplayResult): string {
  const out: string[] = [];
  out.push(`trace      ${plain(r.file)}${r.gzip ? ' (gzip)' : ''}`);
  out.push(`kernel     ${r.kernel}   mode ${r.mode}`);
  out.push(`inputs     ${r.inputDigest}`);
  if (r.pool) {
    out.push(
      `pool       ${hex(r.pool.start)}-${hex(r.pool.end)}  ${r.pool.nslabs} slots (${(r.pool.nslabs * 2048) / 1048576} MiB), ${r.pool.nareas} areas of ${r.pool.areaNslabs}${r.pool.force ? ', force' : ''} [from ${r.pool.source}]`,
    );
  }
  out.push(`events     ${r.events} (lines ${r.lines}${r.malformedLines ? `, malformed skipped ${r.malformedLines}` : ''}${r.lostEvents ? `, LOST ${r.lostEvents}` : ''}${r.overwrittenEvents ? `, OVERWRITTEN ${r.overwrittenEvents}` : ''})`);
  const init = r.initialState;
  if (init !== null && (init.slotsInUse > 0 || init.mappings > 0)) {
    out.push(`start      pool line at line ${init.line}: ${init.slotsInUse} slots in use, ${init.mappings} mappings placed from their unmaps, ${init.unplaced} slots unplaced`);
  }
  if (init !== null && init.leadInEvents > 0) {
    out.push(
      `lead-in    ${init.leadInEvents} events before the first pool line, reflected in it; calls in flight at the line: ${init.inFlight} (maps that already held their slots when it was read: ${init.inFlightPlaced})`,
    );
  }
  if (r.poolReadSkewed > 0) out.push(`pool read  ${r.poolReadSkewed} pool-line areas matched once a release on another CPU next to the line was counted on the other side of the read`);
  out.push(`maps       ${r.maps}   unmaps ${r.unmaps}   syncs ${r.syncs}   failures ${r.failures}${r.failures ? ` ${JSON.stringify(r.failuresByCode)}` : ''}`);
  out.push(`occupancy  peak ${r.peakUsed} slots, ${r.usedAtEnd} in use at the end`);
  out.push(`decisions  matched ${r.matched}   mismatched ${r.mismatched}`);
  if (r.reordered + r.followed > 0) {
    out.push(`order      no in-lock probes: ${r.reordered} maps matched in another lock order the trace allows; after each of the ${r.followed} differing maps the replay went on from the kernel's slots`);
  }
  if (r.firstMismatch) {
    const m = r.firstMismatch;
    out.push('');
    out.push(`first mismatch at line ${m.line} (${m.decision}):`);
    out.push(`  ${plain(m.text.trim())}`);
    out.push(`  kernel: ${JSON.stringify(m.kernel)}`);
    out.push(`  model:  ${JSON.stringify(m.model)}`);
    if (m.area) out.push(`  model area ${m.area.area}: index ${m.area.index}, used ${m.area.used}; list[${m.area.slotsFrom}..] = ${m.area.list.join(' ')}`);
  }
  for (const w of r.warnings.slice(0, 10)) out.push(`warning    ${plain(w)}`);
  const unknown = Object.entries(r.unknownEvents);
  if (unknown.length) out.push(`skipped    unknown events: ${unknown.map(([k, v]) => `${plain(k)}=${v}`).join(', ')}`);
  if (r.dma !== null) {
    out.push(
      `dma:*      ${r.dma.directMaps} maps went direct, ${r.dma.directOps} unmaps/syncs of direct mappings, ${r.dma.allocs} coherent allocations/frees${
        r.dma.abandoned > 0 ? `; ${r.dma.abandoned} bounced maps of calls that ended with no result (failed on a full pool: the last counted failed, the others mapped and undone)` : ''
      }`,
    );
  }
  if (r.dmaDebug !== null) {
    const counts = Object.entries(r.dmaDebug.counts).map(([k, v]) => `${k} ${v}`).join(', ');
    out.push(`dma-debug  ${counts || 'no misuse found'}; ${r.dmaDebug.liveAtEnd} mappings live at the end`);
    for (const f of r.dmaDebug.findings.slice(0, 5)) out.push(`  ${f.code} ${plain(f.device)} at ${plain(f.where)}: ${plain(f.message)}`);
  }
  out.push(`result     ${VERDICT_TEXT[replayVerdict(r)]}`);
  return `${out.join('\n')}\n`;
}

/**
 * Format several replay results as one table.
 *
 * @param rs - Results.
 * @returns Text ending in a newline.
 * @remarks Context: any.
 */
export function formatReplaySummary(rs: ReplayResult[]): string {
  const rows = rs.map((r) => [
    plain(r.file.split('/').slice(-2, -1)[0] ?? r.file),
    r.kernel,
    r.pool ? `${r.pool.nslabs}/${r.pool.nareas}` : '-',
    String(r.events),
    String(r.maps),
    String(r.unmaps),
    String(r.failures),
    String(r.matched),
    String(r.mismatched),
    replayVerdict(r),
  ]);
  const head = ['trace', 'kernel', 'slots/areas', 'events', 'maps', 'unmaps', 'failed', 'matched', 'mismatched', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const total = rs.reduce((a, r) => a + r.matched, 0);
  const bad = rs.reduce((a, r) => a + r.mismatched, 0);
  return `${[line(head), ...rows.map(line)].join('\n')}\n\n${rs.length} traces, ${total} decisions matched, ${bad} mismatched\n`;
}
