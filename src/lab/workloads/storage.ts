/**
 * Storage presets: NVMe (random and sequential), SATA, virtio-blk, a
 * confidential-VM burst of 256 KiB I/O across devices, and a fast and a slow
 * disk sharing one pool.
 *
 * @module
 */
import { BlockJob, blockJobBytes } from './block-job.js';
import type { Knob, WorkloadPreset } from './workload.js';

const MiB = 1024 * 1024;
const GBps = 1e9;

/** Physical region of the workloads' data buffers: 1 GiB up, away from the pool placed below 4 GiB top-down. */
export const BUFFER_BASE = 0x4000_0000;

const common: Knob[] = [
  { name: 'iodepth', default: 32, unit: 'requests', description: 'requests in flight per job (fio iodepth)' },
  { name: 'jobs', default: 2, unit: 'jobs', description: 'submitting jobs, one per CPU (fio numjobs)' },
  { name: 'readFraction', default: 1, unit: 'fraction', description: 'share of reads (fio rwmixread / 100)' },
  { name: 'maySleep', default: false, unit: 'boolean', description: 'submission may sleep (DMA_ATTR_MAY_SLEEP); block drivers map in atomic context' },
  { name: 'requeueUs', default: 3000, unit: 'µs', description: 'delay before a request whose mapping failed is requeued (BLK_STS_RESOURCE)' },
];

function storage(name: string, description: string, dev: { minAlignMask: number; maxSegmentSize: number; latencyUs: number; gbps: number; bs: number | [number, number] }): WorkloadPreset {
  return {
    name,
    description,
    knobs: [
      { name: 'bs', default: typeof dev.bs === 'number' ? dev.bs : 0, unit: 'bytes', description: 'block size; 0 means a mix of powers of two from 4 KiB to 128 KiB' },
      ...common,
      { name: 'maxSegmentSize', default: dev.maxSegmentSize, unit: 'bytes', description: 'largest DMA segment the driver maps (dma_set_max_seg_size)' },
      { name: 'latencyUs', default: dev.latencyUs, unit: 'µs', description: 'device latency per request' },
      { name: 'gbps', default: dev.gbps, unit: 'GB/s', description: 'device bandwidth' },
      { name: 'minAlignMask', default: dev.minAlignMask, unit: 'mask', description: "the device's min_align_mask (NVMe: 0xfff)" },
    ],
    build(sim, machine, k, cpus) {
      const device = machine.addDevice({ name: `${name}0`, minAlignMask: k.minAlignMask as number, maxSegmentSize: k.maxSegmentSize as number });
      for (let j = 0; j < (k.jobs as number); j++) {
        const bs = (k.bs as number) === 0 ? ([4096, 131072] as [number, number]) : (k.bs as number);
        const base = sim.bufferRegion(BUFFER_BASE + j * 256 * MiB, blockJobBytes(bs, k.iodepth as number));
        sim.add(
          new BlockJob(device, {
            bs,
            iodepth: k.iodepth as number,
            readFraction: k.readFraction as number,
            latencyNs: (k.latencyUs as number) * 1000,
            bandwidth: (k.gbps as number) * GBps,
            cpu: j % cpus,
            maySleep: k.maySleep as boolean,
            requeueNs: (k.requeueUs as number) * 1000,
            bufferBase: base,
          }),
        );
      }
    },
  };
}

/** The storage presets. */
export const STORAGE_PRESETS: readonly WorkloadPreset[] = [
  storage('nvme-randread', 'NVMe random reads, 4-128 KiB, queue depth 32 per job', { minAlignMask: 0xfff, maxSegmentSize: 65536, latencyUs: 80, gbps: 3, bs: 0 }),
  storage('nvme-seqwrite', 'NVMe sequential 128 KiB writes', { minAlignMask: 0xfff, maxSegmentSize: 65536, latencyUs: 30, gbps: 2, bs: 131072 }),
  storage('sata', 'SATA SSD random 4-128 KiB reads at queue depth 32 (AHCI, no min_align_mask)', { minAlignMask: 0, maxSegmentSize: 65536, latencyUs: 100, gbps: 0.5, bs: 0 }),
  storage('virtio-blk', 'virtio-blk with VIRTIO_F_ACCESS_PLATFORM (bounces in a CoCo guest), 4-128 KiB', { minAlignMask: 0, maxSegmentSize: 262144, latencyUs: 40, gbps: 2, bs: 0 }),
];
