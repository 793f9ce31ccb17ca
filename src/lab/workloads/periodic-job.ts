/**
 * Periodic mappings: display frame buffers flipped at a refresh rate (map
 * the new frame, unmap the old one), or a driver that maps buffers at a rate
 * and unmaps them after a while, leaking a fraction (the Wi-Fi leak).
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../../swiotlb/constants.js';
import type { Job, Simulation } from '../engine/simulation.js';

/** What the periodic job does. */
export interface PeriodicJobSpec {
  /** Mapping bytes per period, split into segments of segmentBytes. */
  bytes: number;
  segmentBytes: number;
  /** Period between maps (ns). */
  periodNs: number;
  /** How long a mapping lives (ns); the display unmaps at the next flip. */
  lifetimeNs: number;
  /** Fraction of mappings never unmapped (a leaking driver). */
  leakFraction: number;
  dir: 'to_device' | 'from_device';
  maySleep: boolean;
  cpu: number;
  bufferBase: number;
}

const MAP = 0;
const UNMAP = 1;

/**
 * Bytes a periodic job's buffers span from its base: four buffers in turn,
 * each page aligned with a guard page.
 *
 * @param bytes - Bytes per buffer.
 * @returns The span.
 * @remarks Context: any.
 */
export function periodicJobBytes(bytes: number): number {
  return 4 * bufferStride(bytes);
}

/** Bytes between two of a periodic job's buffers. */
function bufferStride(bytes: number): number {
  return Math.ceil(bytes / 4096 + 1) * 4096;
}

/** The periodic job. */
export class PeriodicJob implements Job {
  readonly device: Device;
  readonly #s: PeriodicJobSpec;
  #index = -1;
  #n = 0;
  readonly #live = new Map<number, number[]>();

  /**
   * @param device - Device.
   * @param spec - What it does.
   */
  constructor(device: Device, spec: PeriodicJobSpec) {
    this.device = device;
    this.#s = spec;
  }

  /** {@inheritDoc Job.start} */
  start(sim: Simulation): void {
    this.#index = sim.jobs.indexOf(this);
    sim.schedule(0, this.#index, MAP);
  }

  /** {@inheritDoc Job.onEvent} */
  onEvent(sim: Simulation, tag: number): void {
    const s = this.#s;
    const dir: DmaDirection = s.dir === 'to_device' ? DMA_TO_DEVICE : DMA_FROM_DEVICE;
    if ((tag & 1) === MAP) {
      sim.schedule(sim.now + s.periodNs, this.#index, MAP);
      const id = this.#n++;
      const segs: number[] = [];
      let t = sim.now;
      const base = s.bufferBase + (id % 4) * bufferStride(s.bytes);
      for (let off = 0; off < s.bytes; off += s.segmentBytes) {
        const len = Math.min(s.segmentBytes, s.bytes - off);
        const dma = sim.map(this.#index, 0, this.device, s.cpu, t, base + off, len, dir, s.maySleep);
        t = sim.callEnd;
        if (dma < 0) {
          for (let i = 0; i < segs.length; i += 2) t = sim.unmap(this.device, s.cpu, t, segs[i]!, segs[i + 1]!, dir);
          sim.dev(this.device).failedRequests++;
          return;
        }
        segs.push(dma, len);
      }
      sim.dev(this.device).requests++;
      if (s.leakFraction > 0 && sim.rnd.nextFloat() < s.leakFraction) return; // never unmapped
      this.#live.set(id, segs);
      sim.schedule(t + s.lifetimeNs, this.#index, (id << 1) | UNMAP);
    } else {
      const id = tag >> 1;
      const segs = this.#live.get(id);
      if (segs === undefined) return;
      this.#live.delete(id);
      let t = sim.now;
      for (let i = 0; i < segs.length; i += 2) t = sim.unmap(this.device, s.cpu, t, segs[i]!, segs[i + 1]!, dir);
    }
  }
}
