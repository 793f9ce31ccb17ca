/**
 * The configuration of the lab bench's NVMe run: 4 KiB random reads, two jobs
 * of 16 in flight, 316 us device latency, every request bounced: 100.04k IOPS
 * simulated, the floor's 100k (each request also spends ~3.9 us in the
 * interrupt, the transfer and the DMA calls; at 300 us it was 105k).
 *
 * @module
 */
import { effectiveConfig, type RunConfig } from '../src/lab/run-config.js';

/**
 * The NVMe run's configuration.
 *
 * @param seconds - Simulated seconds.
 * @returns The effective configuration.
 * @remarks Context: any.
 */
export function nvmeRunConfig(seconds: number): RunConfig {
  return effectiveConfig({
    durationMs: seconds * 1000,
    cmdline: 'swiotlb=force',
    machine: { confidential: false },
    workload: { name: 'nvme-randread', knobs: { bs: 4096, iodepth: 16, jobs: 2, latencyUs: 316 } },
  });
}
