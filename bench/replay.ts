/**
 * Replay benchmarks (issue 3): events per second including gunzip and
 * parsing on the bundled oracle captures, and peak memory on generated traces
 * of two lengths (memory must not grow with the trace).
 *
 * @module
 */
import { mkdtempSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayTraceFile } from '../src/lab/replay/replay-file.js';
import { builtinTraces } from '../src/cli/replay-command.js';
import { generateOracleTrace } from './gen-trace.js';

/** One replay measurement. */
export interface ReplayBenchRow {
  trace: string;
  events: number;
  textMiB: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
  mismatched: number;
}

async function measure(path: string, label: string): Promise<ReplayBenchRow> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = process.hrtime.bigint();
  const r = await replayTraceFile(path);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { trace: label, events: r.events, textMiB: 0, seconds, eventsPerSecond: r.events / seconds, peakRssMiB: peak / 2 ** 20, mismatched: r.mismatched };
}

/**
 * Run the replay benchmarks.
 *
 * @param log - Progress output.
 * @param bigMaps - Map/unmap pairs of the large generated trace.
 * @returns Rows.
 */
export async function runReplayBench(log: (s: string) => void, bigMaps = 1_500_000): Promise<ReplayBenchRow[]> {
  const rows: ReplayBenchRow[] = [];
  const oracle = builtinTraces();
  for (const f of oracle) await replayTraceFile(f); // warm up
  let events = 0;
  let secs = 0;
  for (const f of oracle) {
    const r = await measure(f, f.split('/').slice(-2)[0]!);
    events += r.events;
    secs += r.seconds;
    rows.push(r);
    log(`replay ${r.trace}: ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s`);
  }
  rows.push({ trace: 'all bundled oracle captures', events, textMiB: 0, seconds: secs, eventsPerSecond: events / secs, peakRssMiB: 0, mismatched: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'swiotlb-bench-'));
  try {
    for (const maps of [bigMaps / 10, bigMaps]) {
      const p = join(dir, `gen-${maps}.txt`);
      await generateOracleTrace(p, maps);
      const size = statSync(p).size;
      const r = await measure(p, `generated ${maps} maps`);
      r.textMiB = size / 2 ** 20;
      rows.push(r);
      log(`replay ${r.trace} (${r.textMiB.toFixed(0)} MiB text): ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} events/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, mismatched ${r.mismatched}`);
      rmSync(p);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
