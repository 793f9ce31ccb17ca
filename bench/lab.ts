/**
 * Lab benchmarks (issue 5): the wall time of a 10-minute simulated NVMe run at
 * about 100k IOPS (and its simulated requests per second of wall time), and
 * a sweep's throughput with 1 and 2 workers (the main thread is one of them),
 * for short points and for longer ones.
 *
 * @module
 */
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';
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
  // The floor's own run: ten simulated minutes (a shorter run extrapolated overstates it: the JIT warms up early in it).
  const seconds = 600;
  const c = effectiveConfig({
    durationMs: seconds * 1000,
    cmdline: 'swiotlb=force',
    machine: { confidential: false },
    workload: { name: 'nvme-randread', knobs: { bs: 4096, iodepth: 16, jobs: 2, latencyUs: 300 } },
  });
  const t0 = process.hrtime.bigint();
  const r = runConfig(c);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const requests = r.devices.reduce((a, d) => a + (d.requests as number), 0);
  const nvme = { simulatedSeconds: seconds, requests, iops: requests / seconds, wallSeconds: wall, requestsPerWallSecond: requests / wall, tenMinuteRunWallSeconds: wall };
  log(`lab nvme: ${Math.round(nvme.iops)} IOPS simulated for ${seconds} s (${requests} requests) in ${wall.toFixed(1)} s of wall time`);
  // A short sweep (thread start-up dominates) and a longer one (throughput); the JIT is warm for both after the NVMe run.
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
