/**
 * The `trace` preset: any captured trace (the oracle's kprobes or dma:*
 * events) as a workload.
 *
 * @module
 */
import { MASK_ALL } from '../../machine/mask.js';
import { InputError } from '../../util/errors.js';
import { loadTraceOps } from './trace-ops.js';
import { TraceJob } from './trace-job.js';
import type { WorkloadPreset } from './workload.js';

/** The preset. */
export const TRACE_PRESET: WorkloadPreset = {
  name: 'trace',
  description: "a captured trace's maps and unmaps in trace order (oracle kprobes or dma:* events); give its file as the workload or with --set path=FILE",
  knobs: [
    { name: 'path', default: '', unit: 'file', description: 'the trace file (plain or gzip)' },
    { name: 'stepUs', default: 1, unit: 'µs', description: 'simulated time between two operations of the trace' },
  ],
  build(sim, machine, k) {
    const path = k.path as string;
    if (path === '') throw new InputError('bad_knob', "The trace workload needs a file: give it as the workload (swiotlb-lab run trace.txt.gz) or with --set path=FILE");
    const ops = loadTraceOps(path);
    // The trace's buffers are bounced from and to: they must be RAM of the simulated machine.
    for (let i = 0; i < ops.count; i++) {
      if (ops.kind[i] !== 1 || machine.map.isRam(ops.arg[i]!, ops.size[i]!)) continue;
      const end = ops.arg[i]! + ops.size[i]!;
      throw new InputError(
        'outside_ram',
        `The trace maps ${ops.size[i]} bytes at 0x${ops.arg[i]!.toString(16)}, which is not RAM of the simulated machine (RAM ends at 0x${machine.map.ramEnd.toString(16)}): give more RAM (e.g. --ram ${Math.ceil(end / 2 ** 30) + 1}G) or a trace of this machine`,
        { file: path, line: ops.line[i]! },
      );
    }
    const devices = ops.devices.map((d, i) =>
      machine.addDevice({ name: machine.device(d.name) === undefined ? d.name : `${d.name}#${i}`, minAlignMask: d.minAlignMask, segmentBoundaryMask: d.segmentBoundaryMask === 0 ? MASK_ALL : d.segmentBoundaryMask }),
    );
    sim.add(new TraceJob(ops, devices, (k.stepUs as number) * 1000));
  },
};
