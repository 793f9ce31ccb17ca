/**
 * Run a trace's operations (trace-ops.ts) in trace order, one every
 * `stepNs` of simulated time, against whatever pool and design the run has.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { DmaDirection } from '../../swiotlb/constants.js';
import type { Job, Simulation } from '../engine/simulation.js';
import type { TraceOps } from './trace-ops.js';

/** Replays trace operations; one job drives every device of the trace. */
export class TraceJob implements Job {
  readonly device: Device;
  readonly #ops: TraceOps;
  readonly #devices: Device[];
  readonly #stepNs: number;
  readonly #dma: Float64Array;
  #index = -1;
  #next = 0;

  /**
   * @param ops - The operations.
   * @param devices - Machine devices, one per trace device.
   * @param stepNs - Simulated time between operations.
   */
  constructor(ops: TraceOps, devices: Device[], stepNs: number) {
    this.#ops = ops;
    this.#devices = devices;
    this.device = devices[0]!;
    this.#stepNs = stepNs;
    this.#dma = new Float64Array(ops.count).fill(-1);
  }

  /** {@inheritDoc Job.start} */
  start(sim: Simulation): void {
    this.#index = sim.jobs.indexOf(this);
    sim.schedule(0, this.#index, 0);
  }

  /** {@inheritDoc Job.onEvent} */
  onEvent(sim: Simulation, _tag: number): void {
    const o = this.#ops;
    const i = this.#next++;
    if (i >= o.count) return;
    const dev = this.#devices[o.dev[i]!]!;
    const cpu = o.cpu[i]!;
    const dir = o.dir[i]! as DmaDirection;
    if (o.kind[i] === 1) {
      const dma = sim.map(this.#index, 0, dev, cpu, sim.now, o.arg[i]!, o.size[i]!, dir, false);
      if (dma >= 0) this.#dma[i] = dma;
      sim.dev(dev).requests++;
    } else {
      const m = o.arg[i]!;
      const dma = this.#dma[m]!;
      if (dma >= 0) {
        sim.unmap(dev, cpu, sim.now, dma, o.size[i]!, dir);
        this.#dma[m] = -1;
      }
    }
    if (this.#next < o.count) sim.schedule(sim.now + this.#stepNs, this.#index, 0);
  }
}
