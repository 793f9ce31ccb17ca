/**
 * A block device driven fio-style: a closed loop of `iodepth` requests, each
 * split into segments of at most the driver's max segment size and mapped
 * one by one in process context; the device takes latency + bytes/bandwidth;
 * the completion interrupt unmaps the segments and the next request goes out.
 * A mapping failure unmaps what was mapped and requeues the request after a
 * delay (BLK_STS_RESOURCE); a blocked map sleeps until an unmap; a deferred
 * map continues when the policy completes it.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../../swiotlb/constants.js';
import { MAP_BLOCKED, MAP_DEFERRED } from '../../swiotlb/policy.js';
import { DMA_MAPPING_ERROR } from '../../dma/dma-direct.js';
import type { Job, Simulation } from '../engine/simulation.js';

/** What a block job does. */
export interface BlockJobSpec {
  /** Block size in bytes, or [min, max] for a uniform choice of powers of two between them. */
  bs: number | [number, number];
  iodepth: number;
  /** Fraction of requests that are reads (FROM_DEVICE). */
  readFraction: number;
  /** Device latency per request (ns). */
  latencyNs: number;
  /** Device bandwidth (bytes/s). */
  bandwidth: number;
  /** Submission CPU (completions interrupt the same CPU). */
  cpu: number;
  /** Whether submission may sleep (DMA_ATTR_MAY_SLEEP). */
  maySleep: boolean;
  /** Delay before a request whose mapping failed is retried (ns). */
  requeueNs: number;
  /** Physical base of this job's data buffers (one per queue slot). */
  bufferBase: number;
}

const SUBMIT = 0;
const COMPLETE = 1;
const RESUME = 2;

interface Slot {
  submitted: number;
  cursor: number;
  size: number;
  dir: DmaDirection;
  nseg: number;
  /** Next segment to map. */
  next: number;
  /** Segments with an entry in dma/len (mapped, or deferred as -1). */
  count: number;
  dma: number[];
  len: number[];
}

/** Bytes between two request buffers: the largest block, page aligned, plus a guard page. */
function slotStride(bs: number | [number, number]): number {
  const maxBs = typeof bs === 'number' ? bs : bs[1];
  return Math.ceil(maxBs / 4096) * 4096 + 4096;
}

/**
 * Bytes a block job's request buffers span from its buffer base.
 *
 * @param bs - Block size, or the [min, max] of a mix.
 * @param iodepth - Requests in flight.
 * @returns The span.
 * @remarks Context: any.
 */
export function blockJobBytes(bs: number | [number, number], iodepth: number): number {
  return Math.max(1, iodepth) * slotStride(bs);
}

/** The block job. */
export class BlockJob implements Job {
  readonly device: Device;
  readonly #s: BlockJobSpec;
  #index = -1;
  readonly #slots: Slot[] = [];
  readonly #stride: number;

  /**
   * @param device - The block device (its maxSegmentSize splits requests).
   * @param spec - The job.
   */
  constructor(device: Device, spec: BlockJobSpec) {
    this.device = device;
    this.#s = spec;
    this.#stride = slotStride(spec.bs);
  }

  /** {@inheritDoc Job.start} */
  start(sim: Simulation): void {
    this.#index = sim.jobs.indexOf(this);
    for (let i = 0; i < this.#s.iodepth; i++) {
      this.#slots.push({ submitted: 0, cursor: 0, size: 0, dir: DMA_FROM_DEVICE, nseg: 0, next: 0, count: 0, dma: [], len: [] });
      sim.schedule(i * 100, this.#index, i * 4 + SUBMIT);
    }
  }

  /** {@inheritDoc Job.onEvent} */
  onEvent(sim: Simulation, tag: number): void {
    const slot = this.#slots[tag >> 2]!;
    const what = tag & 3;
    if (what === SUBMIT) this.#submit(sim, tag >> 2, slot);
    else if (what === RESUME) this.#mapFrom(sim, tag >> 2, slot);
    else this.#complete(sim, tag >> 2, slot);
  }

  #size(sim: Simulation): number {
    const bs = this.#s.bs;
    if (typeof bs === 'number') return bs;
    const lo = Math.log2(bs[0]);
    const hi = Math.log2(bs[1]);
    return 2 ** (lo + sim.rnd.nextInt(hi - lo + 1));
  }

  #submit(sim: Simulation, i: number, slot: Slot): void {
    slot.submitted = sim.now;
    slot.cursor = sim.now;
    slot.size = this.#size(sim);
    slot.dir = sim.rnd.nextFloat() < this.#s.readFraction ? DMA_FROM_DEVICE : DMA_TO_DEVICE;
    const seg = this.device.maxSegmentSize;
    slot.nseg = Math.ceil(slot.size / seg);
    slot.next = 0;
    slot.count = 0;
    this.#mapFrom(sim, i, slot);
  }

  #mapFrom(sim: Simulation, i: number, slot: Slot): void {
    const seg = this.device.maxSegmentSize;
    const base = this.#s.bufferBase + i * this.#stride;
    if (slot.next < slot.count) {
      // Resumed after a deferral: the policy completed this segment's map.
      const d = sim.takeDeferred(this.#index, i * 4 + RESUME);
      if (d !== undefined) slot.dma[slot.next] = d;
      slot.next++;
      slot.cursor = Math.max(slot.cursor, sim.now);
    } else slot.cursor = Math.max(slot.cursor, sim.now);
    while (slot.next < slot.nseg) {
      const k = slot.next;
      const len = Math.min(seg, slot.size - k * seg);
      const dma = sim.map(this.#index, i * 4 + RESUME, this.device, this.#s.cpu, slot.cursor, base + k * seg, len, slot.dir, this.#s.maySleep);
      slot.cursor = sim.callEnd;
      if (dma === MAP_BLOCKED) return; // woken by the next unmap
      if (dma === MAP_DEFERRED) {
        slot.dma[slot.count] = -1;
        slot.len[slot.count++] = len;
        return; // resumed when the policy completes it
      }
      if (dma === DMA_MAPPING_ERROR) {
        for (let j = 0; j < slot.count; j++) slot.cursor = sim.unmap(this.device, this.#s.cpu, slot.cursor, slot.dma[j]!, slot.len[j]!, slot.dir);
        slot.count = 0;
        sim.dev(this.device).failedRequests++;
        sim.schedule(slot.cursor + this.#s.requeueNs, this.#index, i * 4 + SUBMIT);
        return;
      }
      slot.dma[slot.count] = dma;
      slot.len[slot.count++] = len;
      slot.next++;
    }
    // The command reaches the device, waits for its data channel, moves the data, then the device completes it.
    const done = sim.transfer(this.device, slot.cursor, slot.size, this.#s.bandwidth) + this.#s.latencyNs;
    sim.schedule(done, this.#index, i * 4 + COMPLETE);
  }

  #complete(sim: Simulation, i: number, slot: Slot): void {
    let t = sim.irq(this.#s.cpu, sim.now);
    for (let j = 0; j < slot.count; j++) t = sim.unmap(this.device, this.#s.cpu, t, slot.dma[j]!, slot.len[j]!, slot.dir);
    slot.count = 0;
    const m = sim.dev(this.device);
    m.requests++;
    m.requestNs.record(t - slot.submitted);
    sim.schedule(t, this.#index, i * 4 + SUBMIT);
  }
}
