/**
 * Lab benchmarks (issue 5): the wall time of a 10-minute simulated NVMe run at
 * about 100k IOPS (and its simulated requests per second of wall time), and
 * a sweep's throughput with 1 and 2 workers (the main thread is one of them),
 * for short points and for longer ones.
 *
 * @module
 */
import { runConfig } from '../src/lab/run.js';
import { nvmeRunConfig } from './lab-config.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../src/lab/sweep/sweep.js';
import { parseAxis } from '../src/lab/sweep/grid.js';

/** Lab measurements. */
export interface LabBench {
  nvme: { simulatedSeconds: number; requests: number; iops: number; wallSeconds: number; requestsPerWallSecond: number; tenMinuteRunWallSeconds: number };
  sweep: { points: number; simulatedMsPerPoint: number; workers: number; wallSeconds: number; pointsPerSecond: number }[];
}

/**
 * Run the lab benchmarks.
 *
 * @param log - Progress output.
 * @returns Measurements.
 */
export async function runLabBench(log: (s: string) => void): Promise<LabBench> {
  // The floor's own run: ten simulated minutes (a shorter run extrapolated overstates it: the JIT warms up early in it),
  // in a fresh process like the core cases, so the cases run before it leave no JIT or heap state behind.
  const seconds = 600;
  const script = fileURLToPath(new URL('./lab-case.ts', import.meta.url));
  const child = spawnSync(process.execPath, ['--import', 'tsx/esm', script, String(seconds)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`bench lab run failed: ${child.stderr}`);
  const { requests, wallSeconds: wall } = JSON.parse(child.stdout) as { requests: number; wallSeconds: number };
  const nvme = { simulatedSeconds: seconds, requests, iops: requests / seconds, wallSeconds: wall, requestsPerWallSecond: requests / wall, tenMinuteRunWallSeconds: wall };
  log(`lab nvme: ${Math.round(nvme.iops)} IOPS simulated for ${seconds} s (${requests} requests) in ${wall.toFixed(1)} s of wall time`);
  // Warm this process's JIT (not measured), so the sweeps below measure threads and throughput, not compilation.
  runConfig(nvmeRunConfig(5));
  // A short sweep (thread start-up dominates) and a longer one (throughput).
  const axes = [parseAxis('policy=fixed|growing|reuse-pool|throttle'), parseAxis('cmdline=swiotlb=2048|swiotlb=8192')];
  const sweep: LabBench['sweep'] = [];
  for (const ms of [100, 3000]) {
    const base = { durationMs: ms, workload: { name: 'coco-burst', knobs: {} } };
    for (const workers of [1, 2]) {
      const s0 = process.hrtime.bigint();
      const res = await runSweep({ base, axes, workers, shard: { index: 1, count: 1 } });
      const w = Number(process.hrtime.bigint() - s0) / 1e9;
      sweep.push({ points: res.points.length, simulatedMsPerPoint: ms, workers, wallSeconds: w, pointsPerSecond: res.points.length / w });
      log(`lab sweep: ${res.points.length} points of ${ms} simulated ms with ${workers} worker(s) in ${w.toFixed(2)} s`);
    }
  }
  return { nvme, sweep };
}
