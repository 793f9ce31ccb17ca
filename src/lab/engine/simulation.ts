/**
 * The discrete-event simulation: simulated CPUs, devices driven by workload
 * jobs, the DMA API over a swiotlb policy, background work, all in simulated
 * time with the cost model pricing each call. Same inputs and seed give the
 * same run, byte for byte.
 *
 * Timing model: a call issued at time t on CPU c starts when c is free, then
 * waits for the lock it contends on (the policy's lockKey), runs for its
 * priced cost and holds the lock for its search and lock cost. State changes
 * are applied in event order.
 *
 * @module
 */
import { takeSlotMap, type SlotMap } from './slot-map.js';
import type { Device } from '../../machine/device.js';
import type { Machine } from '../../machine/machine.js';
import { createPrng, type Prng } from '../../machine/prng.js';
import { DMA_ATTR_MAY_SLEEP, type DmaDirection } from '../../swiotlb/constants.js';
import { MAP_BLOCKED, MAP_DEFERRED, type CostMeter, type DeferredCompletion, type SwiotlbPolicy } from '../../swiotlb/policy.js';
import { StatsMeter } from '../cost/stats-meter.js';
import type { DmaDebug } from '../../dma/dma-debug.js';
import type { PerfettoRecorder } from './perfetto.js';
import { dmaDirectMapPage, dmaDirectUnmapPage, DMA_MAPPING_ERROR } from '../../dma/dma-direct.js';
import type { DmaContext } from '../../dma/dma-context.js';
import type { CostModel } from '../cost/cost-model.js';
import { METER_FIELDS, Pricer, readMeter } from '../cost/pricer.js';
import { EventQueue } from './event-queue.js';
import { DeviceMetrics } from './device-metrics.js';
import { Sampler } from './sampler.js';
import { debugUnmap, observeMap, observeUnmap } from './call-observers.js';
import { placeBufferRegion } from './buffer-region.js';
import type { DataCheck } from './data-check.js';
import { Waiters } from './waiters.js';

/** A workload's stream of work on one device. */
export interface Job {
  readonly device: Device;
  /** Schedule the first events. */
  start(sim: Simulation): void;
  /** Handle one of this job's events. */
  onEvent(sim: Simulation, tag: number): void;
}

/** What a simulation is built from. */
export interface SimulationOptions {
  machine: Machine;
  dma: DmaContext;
  policy: SwiotlbPolicy;
  cpus: number;
  costs: CostModel;
  seed: number;
  durationNs: number;
  /** Occupancy sampling interval. */
  sampleNs: number;
  /** DMA-API checker, when the run asks for one. */
  debug?: DmaDebug;
  /** Perfetto / Chrome trace recorder, when the run asks for one. */
  perfetto?: PerfettoRecorder;
  /** Byte-mode data check (machines that store bytes). */
  data?: DataCheck;
  /** Called every 65,536 events with the simulated time and the end time (progress for long runs). */
  onProgress?: (now: number, end: number) => void;
}

const EV_TICK = 0;
const EV_SAMPLE = 1;
/** Job events use kinds JOB_BASE + job index. */
const JOB_BASE = 16;
const N = METER_FIELDS.length;

/** One simulation run. */
export class Simulation {
  now = 0;
  readonly rnd: Prng;
  readonly o: SimulationOptions;
  readonly queue = new EventQueue();
  readonly jobs: Job[] = [];
  readonly metrics = new Map<number, DeviceMetrics>();
  /** The levels sampled every sampleNs. */
  readonly samples: Sampler;
  /** The default pool's slots at the first failed map a bigger pool could fix (else taken by the caller at the end). */
  slotMap: SlotMap | null = null;
  readonly pricer: Pricer;
  /** Meter totals at the start, to price the whole run by category. */
  readonly meterStart = new Float64Array(N);
  readonly #before = new Float64Array(N);
  readonly #cpuFree: Float64Array;
  readonly #lockFree = new Map<number, number>();
  #lastDev: Device | null = null;
  #lastMetrics: DeviceMetrics | null = null;
  readonly #waiters = new Waiters();
  readonly #meter: CostMeter;
  /** A recorder or checker is attached (Perfetto, dma-debug, data check): calls tell them. */
  readonly #observed: boolean;
  /**
   * The meter moves only inside calls: a call starts from the reading the
   * last one ended with (priceAndAdvance leaves it in #before).
   */
  readonly #carryMeter: boolean;
  /** Time of the queued policy tick, or -1. */
  #tickAt = -1;
  /** The policy's lock model, or null when its calls contend on no lock. */
  readonly #lockKey: ((dev: Device, addr: number, cpu: number) => number) | null;
  readonly #mapCallNs: number;
  readonly #unmapCallNs: number;
  irqs = 0;
  events = 0;
  /** End time of the last map() (returned this way to avoid an allocation per call). */
  callEnd = 0;

  /**
   * @param o - Machine, DMA context, policy, CPUs, costs, seed, duration.
   */
  constructor(o: SimulationOptions) {
    this.o = o;
    this.#observed = o.perfetto !== undefined || o.debug !== undefined || o.data !== undefined;
    this.rnd = createPrng(o.seed);
    this.#cpuFree = new Float64Array(o.cpus);
    this.pricer = new Pricer(o.costs);
    this.#lockKey = o.policy.lockKey?.bind(o.policy) ?? null;
    this.#mapCallNs = o.costs.mapCallNs;
    this.#unmapCallNs = o.costs.unmapCallNs;
    this.#meter = o.policy.meter ?? new StatsMeter(o.policy, () => this.now);
    readMeter(this.#meter, this.meterStart);
    this.#before.set(this.meterStart);
    // Recorders and checkers may query the design between calls (a lookup counts): read the meter at every call then.
    this.#carryMeter = o.policy.meterMovesOnlyInCalls === true && !this.#observed;
    this.samples = new Sampler(o.sampleNs);
  }

  /**
   * Metrics of a device (created on first use).
   *
   * @param dev - The device.
   * @returns Its metrics.
   */
  dev(dev: Device): DeviceMetrics {
    // Calls come in runs for one device: a one-entry cache saves the map lookup.
    if (dev === this.#lastDev) return this.#lastMetrics!;
    let m = this.metrics.get(dev.id);
    if (m === undefined) {
      m = new DeviceMetrics(dev.name, this.o.sampleNs);
      this.metrics.set(dev.id, m);
    }
    this.#lastDev = dev;
    this.#lastMetrics = m;
    return m;
  }

  /**
   * Where a driver keeps one of its buffer regions (see placeBufferRegion()).
   *
   * @param fixed - The region's place in the built-in layout.
   * @param bytes - Its size.
   * @returns The region's first address.
   * @throws InputError (code `outside_ram`) when the built-in place is not RAM; `no_memory` when a small board has no room for it.
   * @remarks Context: workload build time (before the run).
   */
  bufferRegion(fixed: number, bytes: number): number {
    return placeBufferRegion(this.o.machine, fixed, bytes);
  }

  /**
   * Add a job; its start() runs when the simulation starts.
   *
   * @param job - The job.
   * @returns Its index (used to schedule its events).
   */
  add(job: Job): number {
    this.jobs.push(job);
    return this.jobs.length - 1;
  }

  /**
   * Schedule one of a job's events.
   *
   * @param time - Simulated time (ns).
   * @param job - Job index.
   * @param tag - Job-defined payload (a small integer).
   */
  schedule(time: number, job: number, tag: number): void {
    this.queue.push(time, JOB_BASE + job, tag);
  }

  #startCall(cpu: number, t: number, lockKey: number, m: DeviceMetrics): number {
    const c = cpu % this.#cpuFree.length;
    const start = Math.max(t, this.#cpuFree[c]!);
    m.cpuQueueNs += start - t;
    let begin = start;
    if (lockKey >= 0) {
      const free = this.#lockFree.get(lockKey) ?? 0;
      if (free > begin) {
        m.lockWaitNs += free - begin;
        begin = free;
      }
    }
    this.o.dma.now = begin;
    if (!this.#carryMeter) readMeter(this.#meter, this.#before);
    return begin;
  }

  #endCall(cpu: number, begin: number, lockKey: number, fixedNs: number): number {
    const m = this.#meter;
    const before = this.#before;
    // The lock is held for the search and the lock work: priced from the deltas before the snapshot moves on.
    if (lockKey >= 0) {
      const hold = this.pricer.priceOf(2, m.searchSteps - before[2]!) + this.pricer.priceOf(3, m.lockAcquisitions - before[3]!);
      this.#lockFree.set(lockKey, begin + hold);
    }
    const cost = fixedNs + this.pricer.priceAndAdvance(m, before);
    const end = begin + cost;
    this.#cpuFree[cpu % this.#cpuFree.length] = end;
    return end;
  }

  /**
   * dma_map_page() at time t on a CPU, priced; failures, deferrals and blocks are counted.
   *
   * @param job - Calling job index (a blocked caller is woken through it).
   * @param tag - Tag to deliver when a blocked caller may retry.
   * @param dev - Device.
   * @param cpu - CPU.
   * @param t - Issue time.
   * @param phys - Original buffer.
   * @param size - Bytes.
   * @param dir - Direction.
   * @param maySleep - Process context that may sleep.
   * @returns The DMA address (or -1/MAP_DEFERRED/MAP_BLOCKED); the end time is in callEnd.
   */
  map(job: number, tag: number, dev: Device, cpu: number, t: number, phys: number, size: number, dir: DmaDirection, maySleep: boolean): number {
    const m = this.dev(dev);
    const key = this.#lockKey === null ? -1 : this.#lockKey(dev, -1, cpu);
    const begin = this.#startCall(cpu, t, key, m);
    const cpuPattern = this.o.data !== undefined ? this.o.data.beforeMap(phys, size, dir) : -1;
    const dma = dmaDirectMapPage(this.o.dma, dev, cpu, phys, size, dir, maySleep ? DMA_ATTR_MAY_SLEEP : 0);
    const end = this.#endCall(cpu, begin, key, this.#mapCallNs);
    m.maps++;
    m.mapNs.record(end - t);
    if (dma >= 0) {
      m.bytesMapped += size;
      m.addLive(size);
    } else this.#mapNotDone(job, tag, dev, m, phys, size, end, dma, cpuPattern);
    if (this.#observed) observeMap(this.o, dev, cpu, t, begin, end, dma, phys, size, dir, cpuPattern);
    this.callEnd = end;
    return dma;
  }

  /** A map that failed, was deferred or blocked: count it and remember who waits. */
  #mapNotDone(job: number, tag: number, dev: Device, m: DeviceMetrics, phys: number, size: number, end: number, dma: number, cpuPattern: number): void {
    if (dma === DMA_MAPPING_ERROR) this.#failed(m, size, end);
    else if (dma === MAP_DEFERRED) {
      m.deferred++;
      this.#waiters.defer(this.o.policy.stats(end).deferred, { job, tag, since: end, size, phys, cpuPattern });
    } else if (dma === MAP_BLOCKED) {
      m.blocked++;
      this.#waiters.block({ job, tag, since: end, dev });
    }
  }

  /**
   * dma_unmap_page() at time t on a CPU, priced; wakes one blocked caller.
   *
   * @param dev - Device.
   * @param cpu - CPU.
   * @param t - Issue time.
   * @param dma - Address from map.
   * @param size - Bytes.
   * @param dir - Direction.
   * @returns End time.
   */
  unmap(dev: Device, cpu: number, t: number, dma: number, size: number, dir: DmaDirection): number {
    const m = this.dev(dev);
    const key = this.#lockKey === null ? -1 : this.#lockKey(dev, dma, cpu);
    const begin = this.#startCall(cpu, t, key, m);
    if (this.o.debug !== undefined) debugUnmap(this.o.debug, dev, t, dma, size, dir, begin);
    dmaDirectUnmapPage(this.o.dma, dev, dma, size, dir, 0);
    const end = this.#endCall(cpu, begin, key, this.#unmapCallNs);
    if (this.#observed) observeUnmap(this.o, dev, cpu, begin, end, dma, size);
    m.unmaps++;
    m.unmapNs.record(end - t);
    m.addLive(-size);
    if (this.#waiters.blocked > 0) this.#wake(end);
    return end;
  }

  /** Wake the first blocked caller: it retries at `end`. */
  #wake(end: number): void {
    const w = this.#waiters.wakeFirst();
    this.dev(w.dev).waitNs.record(end - w.since);
    this.schedule(end, w.job, w.tag);
  }

  /**
   * The DMA address a deferred map of this job and tag finally got (once).
   *
   * @param job - Job index.
   * @param tag - The tag passed to map().
   * @returns The DMA address, or undefined when no deferred map completed for it.
   */
  takeDeferred(job: number, tag: number): number | undefined {
    return this.#waiters.takeResult(job, tag);
  }

  /**
   * Move bytes over a device's data channel: transfers share the device's
   * bandwidth in submission order.
   *
   * @param dev - Device.
   * @param t - Time the request reaches the device.
   * @param bytes - Bytes to move.
   * @param bandwidth - Bytes per second.
   * @returns Time the transfer ends.
   */
  transfer(dev: Device, t: number, bytes: number, bandwidth: number): number {
    const m = this.dev(dev); // the call before was this device's: the metrics cache hits
    const start = Math.max(t, m.channelFreeNs);
    const end = start + (bytes / bandwidth) * 1e9;
    m.channelFreeNs = end;
    return end;
  }

  /**
   * Charge interrupt handling on a CPU.
   *
   * @param cpu - CPU.
   * @param t - Time the interrupt arrives.
   * @returns Time the handler can start the completion work.
   */
  irq(cpu: number, t: number): number {
    this.irqs++;
    const c = cpu % this.#cpuFree.length;
    const start = Math.max(t, this.#cpuFree[c]!);
    this.#cpuFree[c] = start + this.o.costs.irqNs;
    return start + this.o.costs.irqNs;
  }

  /** Schedule the policy's next background run unless one is already queued for that time or earlier. */
  #scheduleTick(due: number, t: number): void {
    if (due === Infinity) return;
    const at = Math.max(due, t + 1);
    if (this.#tickAt >= 0 && this.#tickAt <= at) return;
    this.#tickAt = at;
    this.queue.push(at, EV_TICK, 0);
  }

  /** Count a failed map; the first one a bigger pool could fix also snapshots the slot map. Kept out of map() to keep it small. */
  #failed(m: DeviceMetrics, size: number, end: number): void {
    const code = this.o.dma.lastFailure?.code ?? 'unknown';
    m.fail(code, size);
    if (this.slotMap === null && code !== 'too_large') this.slotMap = takeSlotMap(this.o.policy, end, 'first failed map');
  }



  /** Deliver the deferred maps the policy completed: the waiting job resumes with its bounce address. */
  #completeDeferred(done: readonly DeferredCompletion[], t: number, onDeferred: (ticket: number, tlb: number, at: number) => void): void {
    for (const c of done) {
      const w = this.#waiters.completed(c.ticket);
      onDeferred(c.ticket, c.tlb, c.at);
      if (w === undefined) continue;
      const dev = this.jobs[w.job]!.device;
      const m = this.dev(dev);
      m.waitNs.record(c.at - w.since);
      m.addLive(w.size);
      m.bytesMapped += w.size;
      this.#waiters.setResult(w.job, w.tag, c.tlb + dev.dmaOffset);
      this.o.debug?.map(dev, c.tlb + dev.dmaOffset, w.size, c.request.dir, c.at, `${dev.name} deferred map completed at t=${Math.round(c.at)} ns`);
      this.o.data?.afterMap(dev, c.tlb + dev.dmaOffset, w.phys, w.size, c.request.dir, c.at, w.cpuPattern);
      this.schedule(Math.max(c.at, t), w.job, w.tag);
    }
  }

  /**
   * Run until the duration ends or no event is left.
   *
   * @param onDeferred - Called with each deferred map the policy completed (ticket, tlb, time).
   * @remarks Context: the caller's thread; synchronous.
   */
  run(onDeferred: (ticket: number, tlb: number, at: number) => void = () => {}): void {
    for (const j of this.jobs) j.start(this);
    const q = this.queue;
    const policy = this.o.policy;
    const jobs = this.jobs;
    q.push(0, EV_TICK, 0);
    q.push(0, EV_SAMPLE, 0);
    const end = this.o.durationNs;
    // A design without background work needs no tick or completion check after each event (a recorder or checker gets them all the same).
    const background = policy.noBackgroundWork !== true || this.#observed;
    // peekTime() is Infinity on an empty queue, so one compare ends the run either way.
    for (let t = q.peekTime(); t <= end; t = q.peekTime()) {
      const kind = q.peekKind();
      const ref = q.peekRef();
      q.pop();
      this.now = t;
      if ((++this.events & 0xffff) === 0) this.o.onProgress?.(t, end);
      if (kind >= JOB_BASE) jobs[kind - JOB_BASE]!.onEvent(this, ref);
      else if (kind === EV_SAMPLE) {
        this.samples.sample(t, policy, this.metrics.values(), this.o.perfetto);
        q.push(t + this.o.sampleNs, EV_SAMPLE, 0);
      } else if (t === this.#tickAt) this.#tickAt = -1;
      if (!background) continue;
      // A job's call may have queued background work (a growth worker), and a tick runs it: run it when due.
      if (kind !== EV_SAMPLE) this.#scheduleTick(policy.tick(t), t);
      const done = policy.takeCompleted();
      if (done.length !== 0) this.#completeDeferred(done, t, onDeferred);
    }
    this.now = Math.max(this.now, Math.min(end, this.now));
  }
}
