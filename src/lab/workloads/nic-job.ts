/**
 * A NIC: an RX ring of small buffers mapped for the device and refilled in
 * batches from softirq context (atomic), packets arriving at a rate, each
 * unmapped when it arrives; and TX of TSO sends mapped as fragments and
 * unmapped at TX completion. A ring that cannot be refilled drops packets.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../../swiotlb/constants.js';
import type { Job, Simulation } from '../engine/simulation.js';

/** What the NIC does. */
export interface NicJobSpec {
  ring: number;
  rxBuf: number;
  refillBatch: number;
  packetsPerSec: number;
  sendsPerSec: number;
  tsoBytes: number;
  fragBytes: number;
  /** Wire bandwidth (bytes/s). */
  bandwidth: number;
  cpu: number;
  /** Start of the RX buffers (nicRxBytes(): 4096 buffers a page apart, reused in turn). */
  bufferBase: number;
  /** Start of the TX (TSO) send buffer. */
  txBase: number;
}

const RX = 0;
const TX = 1;
const TXDONE = 2;

/**
 * Bytes of the RX buffer region: 4096 buffers a page apart, reused in turn.
 *
 * @param rxBuf - Bytes of one RX buffer.
 * @returns The span from the region's start to the end of the last buffer.
 * @remarks Context: any.
 */
export function nicRxBytes(rxBuf: number): number {
  return 4095 * 4096 + Math.max(rxBuf, 1);
}

/** The NIC job. */
export class NicJob implements Job {
  readonly device: Device;
  readonly #s: NicJobSpec;
  #index = -1;
  readonly #ring: number[] = [];
  #rxHead = 0;
  #posted = 0;
  #nextBuf = 0;
  readonly #tx: number[][] = [];
  /** Packets that found no buffer. */
  drops = 0;

  /**
   * @param device - The NIC.
   * @param spec - What it does.
   */
  constructor(device: Device, spec: NicJobSpec) {
    this.device = device;
    this.#s = spec;
  }

  /** {@inheritDoc Job.start} */
  start(sim: Simulation): void {
    this.#index = sim.jobs.indexOf(this);
    for (let i = 0; i < this.#s.ring; i++) this.#ring.push(-1);
    this.#refill(sim, 0, this.#s.ring);
    if (this.#s.packetsPerSec > 0) sim.schedule(this.#gap(sim, this.#s.packetsPerSec), this.#index, RX);
    if (this.#s.sendsPerSec > 0) sim.schedule(this.#gap(sim, this.#s.sendsPerSec), this.#index, TX);
  }

  #gap(sim: Simulation, perSec: number): number {
    return sim.now + (-Math.log(1 - sim.rnd.nextFloat()) / perSec) * 1e9;
  }

  #refill(sim: Simulation, t: number, n: number): number {
    for (let k = 0; k < n; k++) {
      const slot = (this.#rxHead + this.#posted) % this.#s.ring;
      const phys = this.#s.bufferBase + (this.#nextBuf++ % 4096) * 4096;
      const dma = sim.map(this.#index, 0, this.device, this.#s.cpu, t, phys, this.#s.rxBuf, DMA_FROM_DEVICE, false);
      t = sim.callEnd;
      if (dma < 0) break; // the ring stays short until the next refill
      this.#ring[slot] = dma;
      this.#posted++;
    }
    return t;
  }

  /** {@inheritDoc Job.onEvent} */
  onEvent(sim: Simulation, tag: number): void {
    const what = tag & 3;
    if (what === RX) {
      sim.schedule(this.#gap(sim, this.#s.packetsPerSec), this.#index, RX);
      if (this.#posted === 0) {
        this.drops++;
        return;
      }
      let t = sim.irq(this.#s.cpu, sim.now);
      const dma = this.#ring[this.#rxHead]!;
      this.#ring[this.#rxHead] = -1;
      this.#rxHead = (this.#rxHead + 1) % this.#s.ring;
      this.#posted--;
      t = sim.unmap(this.device, this.#s.cpu, t, dma, this.#s.rxBuf, DMA_FROM_DEVICE);
      sim.dev(this.device).requests++;
      if (this.#s.ring - this.#posted >= this.#s.refillBatch) this.#refill(sim, t, this.#s.refillBatch);
    } else if (what === TX) {
      sim.schedule(this.#gap(sim, this.#s.sendsPerSec), this.#index, TX);
      const frags: number[] = [];
      let t = sim.now;
      for (let off = 0; off < this.#s.tsoBytes; off += this.#s.fragBytes) {
        const len = Math.min(this.#s.fragBytes, this.#s.tsoBytes - off);
        const dma = sim.map(this.#index, 1, this.device, this.#s.cpu, t, this.#s.txBase + off, len, DMA_TO_DEVICE, false);
        t = sim.callEnd;
        if (dma < 0) break;
        frags.push(dma, len);
      }
      if (frags.length / 2 < Math.ceil(this.#s.tsoBytes / this.#s.fragBytes)) {
        // The driver drops the send: undo what was mapped.
        for (let i = 0; i < frags.length; i += 2) t = sim.unmap(this.device, this.#s.cpu, t, frags[i]!, frags[i + 1]!, DMA_TO_DEVICE);
        sim.dev(this.device).failedRequests++;
        return;
      }
      const id = this.#tx.length;
      this.#tx.push(frags);
      const done = sim.transfer(this.device, t, this.#s.tsoBytes, this.#s.bandwidth);
      sim.schedule(done, this.#index, (id << 2) | TXDONE);
    } else {
      const frags = this.#tx[tag >> 2]!;
      let t = sim.irq(this.#s.cpu, sim.now);
      for (let i = 0; i < frags.length; i += 2) t = sim.unmap(this.device, this.#s.cpu, t, frags[i]!, frags[i + 1]!, DMA_TO_DEVICE);
      frags.length = 0;
      sim.dev(this.device).requests++;
    }
  }
}
