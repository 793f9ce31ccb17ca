/**
 * Presets beyond plain storage: a NIC, display frame buffers, a leaking
 * driver, a confidential-VM burst and a fast and a slow disk sharing a pool.
 *
 * @module
 */
import { BlockJob, blockJobBytes } from './block-job.js';
import { NicJob, nicRxBytes } from './nic-job.js';
import { PeriodicJob, periodicJobBytes } from './periodic-job.js';
import { BUFFER_BASE } from './storage.js';
import type { WorkloadPreset } from './workload.js';

const MiB = 1024 * 1024;

/** The presets of this module. */
export const MIXED_PRESETS: readonly WorkloadPreset[] = [
  {
    name: 'nic',
    description: 'a 10 GbE NIC: RX ring of 2 KiB buffers refilled 64 at a time in softirq, TX of 64 KiB TSO sends as 4 KiB fragments',
    knobs: [
      { name: 'ring', default: 1024, unit: 'buffers', description: 'RX ring size' },
      { name: 'rxBuf', default: 2048, unit: 'bytes', description: 'RX buffer size (1.5-4 KiB)' },
      { name: 'refillBatch', default: 64, unit: 'buffers', description: 'buffers refilled at once' },
      { name: 'kpps', default: 400, unit: 'kpackets/s', description: 'received packets per second' },
      { name: 'sendsPerSec', default: 8000, unit: 'sends/s', description: 'TSO sends per second' },
      { name: 'tsoBytes', default: 65536, unit: 'bytes', description: 'bytes per TSO send' },
    ],
    build(sim, machine, k) {
      const dev = machine.addDevice({ name: 'eth0', maxSegmentSize: 65536 });
      sim.add(
        new NicJob(dev, {
          ring: k.ring as number,
          rxBuf: k.rxBuf as number,
          refillBatch: k.refillBatch as number,
          packetsPerSec: (k.kpps as number) * 1000,
          sendsPerSec: k.sendsPerSec as number,
          tsoBytes: k.tsoBytes as number,
          fragBytes: 4096,
          bandwidth: 1.25e9,
          cpu: 0,
          bufferBase: sim.bufferRegion(BUFFER_BASE, nicRxBytes(k.rxBuf as number)),
          txBase: sim.bufferRegion(BUFFER_BASE + 0x1000_0000, k.tsoBytes as number),
        }),
      );
    },
  },
  {
    name: 'display',
    description: 'a display engine behind a 1 GiB bus limit scanning out GPU frames (8 MiB at FullHD, 34 MiB at 4K) at 60 Hz, each frame one contiguous buffer',
    knobs: [
      { name: 'frameMiB', default: 8, unit: 'MiB', description: 'frame size (8 FullHD, 34 4K)' },
      { name: 'segmentMiB', default: 0, unit: 'MiB', description: 'scatter-gather entry size; 0 means the frame is one contiguous entry' },
      { name: 'fps', default: 60, unit: 'frames/s', description: 'refresh rate' },
      { name: 'maySleep', default: true, unit: 'boolean', description: 'DRM maps from process context (DMA_ATTR_MAY_SLEEP in the 2023 series)' },
    ],
    build(sim, machine, k) {
      const dev = machine.addDevice({ name: 'display0', dmaMask: 2 ** 30 - 1, maxSegmentSize: 2 ** 31 });
      const bytes = (k.frameMiB as number) * MiB;
      const period = 1e9 / (k.fps as number);
      const seg = (k.segmentMiB as number) === 0 ? bytes : (k.segmentMiB as number) * MiB;
      sim.add(new PeriodicJob(dev, { bytes, segmentBytes: seg, periodNs: period, lifetimeNs: period * 2, leakFraction: 0, dir: 'to_device', maySleep: k.maySleep as boolean, cpu: 0, bufferBase: sim.bufferRegion(0x5000_0000, periodicJobBytes(bytes)) }));
    },
  },
  {
    name: 'leak',
    description: 'a Wi-Fi driver mapping 4000-byte RX buffers 200 times a second and forgetting to unmap a small share of them',
    knobs: [
      { name: 'perSec', default: 200, unit: 'maps/s', description: 'buffers mapped per second' },
      { name: 'size', default: 4000, unit: 'bytes', description: 'buffer size' },
      { name: 'leakFraction', default: 0.02, unit: 'fraction', description: 'share of buffers never unmapped' },
    ],
    build(sim, machine, k) {
      const dev = machine.addDevice({ name: 'wlan0' });
      sim.add(new PeriodicJob(dev, { bytes: k.size as number, segmentBytes: k.size as number, periodNs: 1e9 / (k.perSec as number), lifetimeNs: 2e6, leakFraction: k.leakFraction as number, dir: 'from_device', maySleep: false, cpu: 1, bufferBase: sim.bufferRegion(BUFFER_BASE, periodicJobBytes(k.size as number)) }));
    },
  },
  {
    name: 'coco-burst',
    description: 'a confidential-VM I/O burst: four virtio-blk disks with 16 requests of 256 KiB in flight each (run with --confidential)',
    knobs: [
      { name: 'disks', default: 4, unit: 'devices', description: 'virtio disks' },
      { name: 'iodepth', default: 16, unit: 'requests', description: 'requests in flight per disk' },
      { name: 'bs', default: 262144, unit: 'bytes', description: 'request size' },
      { name: 'maySleep', default: true, unit: 'boolean', description: 'submission may block (storvsc and blocking NVMe queues in the 2024 throttling RFC)' },
    ],
    build(sim, machine, k, cpus) {
      for (let d = 0; d < (k.disks as number); d++) {
        const dev = machine.addDevice({ name: `vd${String.fromCharCode(97 + d)}`, maxSegmentSize: 262144 });
        sim.add(new BlockJob(dev, { bs: k.bs as number, iodepth: k.iodepth as number, readFraction: 0.5, latencyNs: 50_000, bandwidth: 1.5e9, cpu: d % cpus, maySleep: k.maySleep as boolean, requeueNs: 3e6, bufferBase: sim.bufferRegion(BUFFER_BASE + d * 128 * MiB, blockJobBytes(k.bs as number, k.iodepth as number)) }));
      }
    },
  },
  {
    name: 'fairness',
    description: 'a fast NVMe disk and a slow disk sharing one pool, both with 64 requests of 128 KiB in flight (the review\'s Snail/Cheetah case)',
    knobs: [
      { name: 'slowLatencyMs', default: 8, unit: 'ms', description: 'latency of the slow disk' },
      { name: 'iodepth', default: 64, unit: 'requests', description: 'requests in flight per disk' },
    ],
    build(sim, machine, k, cpus) {
      const fast = machine.addDevice({ name: 'cheetah', minAlignMask: 0xfff, maxSegmentSize: 131072 });
      const slow = machine.addDevice({ name: 'snail', maxSegmentSize: 131072 });
      const spec = { bs: 131072, iodepth: k.iodepth as number, readFraction: 1, maySleep: true, requeueNs: 3e6 };
      sim.add(new BlockJob(fast, { ...spec, latencyNs: 20_000, bandwidth: 3e9, cpu: 0, bufferBase: sim.bufferRegion(BUFFER_BASE, blockJobBytes(spec.bs, spec.iodepth)) }));
      sim.add(new BlockJob(slow, { ...spec, latencyNs: (k.slowLatencyMs as number) * 1e6, bandwidth: 0.2e9, cpu: 1 % cpus, bufferBase: sim.bufferRegion(BUFFER_BASE + 256 * MiB, blockJobBytes(spec.bs, spec.iodepth)) }));
    },
  },
];
