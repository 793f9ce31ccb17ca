/**
 * `npm run bench [-- --json] [-- --only core|replay|lab]`: benchmarks, never part of the tests.
 *
 * @module
 */
import { runCoreBench, type BenchRow } from './core.js';
import { runReplayBench, type ReplayBenchRow } from './replay.js';
import { runLabBench, type LabBench } from './lab.js';
import { tuneJit } from '../src/util/jit.js';

// Measure what the CLI runs: it raises V8's inlining budget the same way.
tuneJit();

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? args[onlyIdx + 1] : undefined;
const log = (s: string) => process.stderr.write(`${s}\n`);
const kernel = '6.12';
const result: { schemaVersion: 1; node: string; kernel: string; core?: BenchRow[]; replay?: ReplayBenchRow[]; lab?: LabBench; floors: Record<string, boolean | number> } = { schemaVersion: 1, node: process.version, kernel, floors: {} };

if (only === undefined || only === 'core') {
  const rows = runCoreBench(kernel, log);
  result.core = rows;
  const get = (c: string, mode: string, pool: string) => rows.find((r) => r.case.startsWith(c) && r.mode === mode && r.pool === pool)!;
  const ratio = (c: string, mode: string) => get(c, mode, '6 GiB').nsPerOp / get(c, mode, '64 MiB').nsPerOp;
  Object.assign(result.floors, {
    'a_accounting_pairs_per_s_64MiB': Math.round(get('a:', 'accounting', '64 MiB').opsPerSecond),
    'a_accounting_pairs_per_s_6GiB': Math.round(get('a:', 'accounting', '6 GiB').opsPerSecond),
    'a_floor_5M_pairs_per_s': get('a:', 'accounting', '64 MiB').opsPerSecond >= 5e6 && get('a:', 'accounting', '6 GiB').opsPerSecond >= 5e6,
  });
  for (const mode of ['accounting', 'bytes']) {
    for (const c of ['b:', 'c1:', 'c2:']) {
      const r = ratio(c, mode);
      result.floors[`${c.replace(':', '')}_${mode}_6GiB_over_64MiB`] = Number(r.toFixed(2));
      result.floors[`${c.replace(':', '')}_${mode}_within_2x`] = r <= 2;
    }
  }
  if (!json) {
    console.log('case | mode | pool | ops/s | ns/op | note');
    for (const r of rows) console.log(`${r.case} | ${r.mode} | ${r.pool} | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} | ${r.nsPerOp.toFixed(0)} | ${r.note}`);
  }
}
if (only === undefined || only === 'replay') {
  const rows = await runReplayBench(log);
  result.replay = rows;
  const all = rows.find((r) => r.trace.startsWith('all'))!;
  const gen = rows.filter((r) => r.trace.startsWith('generated'));
  result.floors['replay_events_per_s'] = Math.round(all.eventsPerSecond);
  result.floors['replay_floor_1M_events_per_s'] = all.eventsPerSecond >= 1e6;
  if (gen.length === 2) result.floors['replay_rss_ratio_10x_longer_trace'] = Number((gen[1]!.peakRssMiB / gen[0]!.peakRssMiB).toFixed(2));
  if (!json) {
    console.log('\ntrace | events | text MiB | events/s | peak RSS MiB | mismatched');
    for (const r of rows) console.log(`${r.trace} | ${r.events} | ${r.textMiB.toFixed(0)} | ${Math.round(r.eventsPerSecond).toLocaleString('en-US')} | ${r.peakRssMiB.toFixed(0)} | ${r.mismatched}`);
  }
}
if (only === undefined || only === 'lab') {
  const lab = await runLabBench(log);
  result.lab = lab;
  result.floors['lab_10min_100k_iops_wall_s'] = Math.round(lab.nvme.tenMinuteRunWallSeconds);
  // The floor's rate: the run must really simulate 100k IOPS or more.
  result.floors['lab_10min_run_at_100k_iops'] = lab.nvme.iops >= 100_000;
  result.floors['lab_10min_run_under_60s'] = lab.nvme.iops >= 100_000 && lab.nvme.tenMinuteRunWallSeconds < 60;
  // "Well under a minute": read here as at least a quarter under it.
  result.floors['lab_10min_run_well_under_60s'] = lab.nvme.iops >= 100_000 && lab.nvme.tenMinuteRunWallSeconds <= 45;
}
if (!json) console.log('\nfloors:', JSON.stringify(result.floors, null, 2));
else console.log(JSON.stringify(result, null, 2));
