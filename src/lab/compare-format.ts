/**
 * The side-by-side table of `swiotlb-lab compare`: one column per policy,
 * exact counts first, then the cost model's estimates.
 *
 * @module
 */
import type { RunResult } from './run.js';

const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtBytes = (n: number): string => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`);
const fmtNs = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} ms` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} µs` : `${n.toFixed(0)} ns`);

type Row = [label: string, get: (r: RunResult) => string];

function sumDevices(r: RunResult, key: string): number {
  return r.devices.reduce((a, d) => a + ((d[key] as number) ?? 0), 0);
}

function worstLatency(r: RunResult, key: 'mapLatency' | 'unmapLatency' | 'requestLatency', q: 'p50Ns' | 'p99Ns' | 'maxNs'): number {
  return Math.max(0, ...r.devices.map((d) => (d[key] as Record<string, number>)[q] ?? 0));
}

const ROWS: Row[] = [
  ['requests completed', (r) => fmtInt(sumDevices(r, 'requests'))],
  ['requests failed (requeued)', (r) => fmtInt(sumDevices(r, 'failedRequests'))],
  ['maps', (r) => fmtInt(r.policy.maps)],
  ['map failures', (r) => fmtInt(r.policy.mapFailures)],
  ['  by cause', (r) => Object.entries(r.policy.failuresByCode).map(([k, v]) => `${k} ${fmtInt(v ?? 0)}`).join(', ') || '-'],
  ['deferred / blocked maps', (r) => `${fmtInt(r.policy.deferred)} / ${fmtInt(r.policy.blocked)}`],
  ['bytes bounced', (r) => fmtBytes(r.policy.bytesBounced)],
  ['page allocations / frees', (r) => `${fmtInt(r.policy.pageAllocs)} / ${fmtInt(r.policy.pageFrees)}`],
  ['share/unshare hypercalls (pages)', (r) => `${fmtInt(r.policy.hypercalls)} (${fmtInt(r.policy.sharedPages)})`],
  ['lookups / nodes visited', (r) => `${fmtInt(r.policy.lookups)} / ${fmtInt(r.policy.nodesVisited)}`],
  ['lock acquisitions', (r) => fmtInt(r.policy.lockAcquisitions)],
  ['slot-search steps', (r) => fmtInt(r.policy.searchSteps)],
  ['pools at the end', (r) => fmtInt(r.policy.pools)],
  ['reserved memory: end / peak', (r) => `${fmtBytes(r.policy.reservedBytes)} / ${fmtBytes(r.policy.peakReservedBytes)}`],
  ['in use: peak', (r) => fmtBytes(r.policy.peakInUseBytes)],
  ['reserved memory x time', (r) => `${(r.policy.reservedByteNs / 1024 ** 2 / 1e9).toFixed(1)} MiB·s`],
  ['mappings live at the end (in flight or leaked)', (r) => fmtInt(sumDevices(r, 'leaked'))],
  ['est. map latency p50 / p99 / max', (r) => `${fmtNs(worstLatency(r, 'mapLatency', 'p50Ns'))} / ${fmtNs(worstLatency(r, 'mapLatency', 'p99Ns'))} / ${fmtNs(worstLatency(r, 'mapLatency', 'maxNs'))}`],
  ['est. unmap latency p50 / p99 / max', (r) => `${fmtNs(worstLatency(r, 'unmapLatency', 'p50Ns'))} / ${fmtNs(worstLatency(r, 'unmapLatency', 'p99Ns'))} / ${fmtNs(worstLatency(r, 'unmapLatency', 'maxNs'))}`],
  ['est. I/O latency p50 / p99', (r) => `${fmtNs(worstLatency(r, 'requestLatency', 'p50Ns'))} / ${fmtNs(worstLatency(r, 'requestLatency', 'p99Ns'))}`],
  ['est. CPU time in DMA mapping', (r) => fmtNs(r.estimatedCpuNs - (r.work.interrupts?.ns ?? 0))],
  ['  of which copies', (r) => fmtNs((r.work.bytesCopied?.ns ?? 0) + (r.work.copies?.ns ?? 0))],
  ['  of which hypercalls', (r) => fmtNs((r.work.hypercalls?.ns ?? 0) + (r.work.hypercallPages?.ns ?? 0))],
  ['  of which page allocator', (r) => fmtNs((r.work.pageAllocs?.ns ?? 0) + (r.work.pagesAllocated?.ns ?? 0) + (r.work.cmaAllocs?.ns ?? 0) + (r.work.pageFrees?.ns ?? 0))],
];

/**
 * The comparison as cells: the column heads, one row per count or estimate,
 * and a one-line title naming the workload, machine, pool and seed.
 *
 * @param results - One result per policy, in column order (at least one).
 * @returns Head cells, row cells (label first) and the title, all plain text.
 * @remarks Context: any.
 */
export function compareTable(results: RunResult[]): { head: string[]; rows: string[][]; title: string } {
  const first = results[0]!;
  const head = ['', ...results.map((r) => r.config.policy)];
  const rows = ROWS.map(([label, get]) => [label, ...results.map(get)]);
  const c = first.config;
  const title = `workload ${c.workload.name}, kernel ${c.kernel}, ${c.machine.cpus} CPUs, ${c.machine.ramBytes / 1024 ** 3} GiB${c.machine.confidential ? ', confidential VM' : ''}, '${c.cmdline}' (pool ${fmtBytes(first.pool.bytes)}), ${c.durationMs} ms simulated, seed ${c.seed}`;
  return { head, rows, title };
}

/**
 * A run's dma-debug findings as one line of counts.
 *
 * @param r - A result of a run with check on.
 * @returns `code n, ...`, or 'no misuse found' (also for a run without checks).
 * @remarks Context: any.
 */
export function dmaDebugCounts(r: RunResult): string {
  return Object.entries(r.dmaDebug?.counts ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'no misuse found';
}

/**
 * A byte-mode run's data check as lines of text: a summary, then one line per
 * reported mismatch.
 *
 * @param r - A result (a run in accounting mode has no data check).
 * @returns Lines (empty for a run without a data check); device names are raw text, escape them for HTML.
 * @remarks Context: any.
 */
export function dataCheckLines(r: RunResult): string[] {
  const d = r.dataCheck;
  if (d === null) return [];
  const n = (v: number) => v.toLocaleString('en-US');
  if (d.mismatchedChecks === 0) return [`${n(d.checks)} checks, ${n(d.bytesChecked)} bytes compared: every byte arrived where the kernel would put it`];
  const out = [`${n(d.mismatchedChecks)} of ${n(d.checks)} checks found bytes that did not arrive where the kernel would put them (${n(d.badBytes)} of ${n(d.bytesChecked)} bytes compared)`];
  for (const m of d.mismatches) {
    out.push(`${m.device}: ${m.dir} mapping of ${n(m.size)} bytes (dma 0x${m.dma.toString(16)}, buffer 0x${m.phys.toString(16)}) at ${m.at}, t=${Math.round(m.t)} ns: ${n(m.badBytes)} bytes wrong, the first at offset ${n(m.firstBadOffset)}`);
  }
  if (d.mismatchedChecks > d.mismatches.length) out.push(`... and ${n(d.mismatchedChecks - d.mismatches.length)} more`);
  return out;
}

/**
 * Format results of the same workload under several policies as one table.
 *
 * @param results - One result per policy, in column order.
 * @returns Text ending in a newline.
 * @remarks Context: any.
 */
export function formatCompare(results: RunResult[]): string {
  const { head, rows, title } = compareTable(results);
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const debug: string[] = [];
  for (const r of results) {
    if (r.dmaDebug === null) continue;
    debug.push(`dma-debug (${r.config.policy}): ${dmaDebugCounts(r)}`);
    for (const v of r.dmaDebug.diagnosis.verdict) debug.push(`  ${v}`);
  }
  for (const r of results) {
    const [head, ...rest] = dataCheckLines(r);
    if (head === undefined) continue;
    debug.push(`data check (${r.config.policy}): ${head}`, ...rest.map((l) => `  ${l}`));
  }
  const tail = debug.length > 0 ? `\n${debug.join('\n')}\n` : '';
  return `${title}\n\n${line(head)}\n${rows.map(line).join('\n')}\n${tail}\nCounts are exact; times are estimates from the cost model (swiotlb-lab costs shows it; override with --config).\n`;
}
