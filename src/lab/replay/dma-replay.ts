/**
 * Replay of the generic `dma:*` events (6.12+): no probes inside swiotlb, so
 * the replay runs the same mappings through the model and compares what the
 * trace shows: whether each bounced map failed, and the bounce address when
 * the pool's placement is known.
 *
 * A map bounced when `swiotlb_bounced` preceded it on the same CPU or its DMA
 * address differs from its physical address; other maps went direct and
 * only count. The model's bounce addresses are kept per kernel address so
 * unmaps and syncs (which the trace gives by kernel address) find them.
 *
 * @module
 */
import { createDevice, type Device } from '../../machine/device.js';
import type { IoTlbMem } from '../../swiotlb/io-tlb-mem.js';
import { memUsed } from '../../swiotlb/io-tlb-mem.js';
import {
  swiotlbTblMapSingle,
  swiotlbTblUnmapSingle,
  swiotlbSyncSingleForCpu,
  swiotlbSyncSingleForDevice,
} from '../../swiotlb/map-single.js';
import type { DmaDirection } from '../../swiotlb/constants.js';
import type { DmaTraceEvent } from '../trace/dma-events.js';
import type { ReplayTally } from './replay-tally.js';
import type { ReplayMismatch } from './replay-types.js';

interface LiveMap {
  readonly dev: Device;
  readonly kernelDma: number;
  readonly tlb: number;
  readonly size: number;
  readonly phys: number;
}

/** Per-device parameters a dma:* trace does not carry. */
export interface DmaReplayDevice {
  minAlignMask?: number;
  segmentBoundaryMask?: number;
}

/** Drives the model from dma:* events. */
export class DmaEventReplayer {
  readonly #mem: IoTlbMem;
  readonly #tally: ReplayTally;
  readonly #compareAddresses: boolean;
  readonly #deviceParams: ReadonlyMap<string, DmaReplayDevice>;
  readonly #devices = new Map<string, Device>();
  readonly #byDma = new Map<string, LiveMap>();
  readonly #byPhys = new Map<string, LiveMap>();
  readonly #bouncePending: Set<number>;
  /** Maps that went to the device directly. */
  directMaps = 0;
  /** Unmaps/syncs of addresses that were never bounced (direct mappings). */
  directOps = 0;
  /** Coherent allocations and frees seen. */
  allocs = 0;

  /**
   * @param mem - The allocator to drive.
   * @param tally - Where counts and mismatches go.
   * @param compareAddresses - Whether the pool placement is the kernel's (addresses comparable).
   * @param deviceParams - min_align_mask and boundary per device name.
   * @param bouncePending - CPUs whose next map follows a swiotlb_bounced event (shared with the caller).
   */
  constructor(
    mem: IoTlbMem,
    tally: ReplayTally,
    compareAddresses: boolean,
    deviceParams: ReadonlyMap<string, DmaReplayDevice>,
    bouncePending: Set<number>,
  ) {
    this.#bouncePending = bouncePending;
    this.#mem = mem;
    this.#tally = tally;
    this.#compareAddresses = compareAddresses;
    this.#deviceParams = deviceParams;
  }

  /**
   * Note a swiotlb_bounced event: the next map on this CPU bounces.
   *
   * @param cpu - CPU of the event.
   * @remarks Context: any.
   */
  bounced(cpu: number): void {
    this.#bouncePending.add(cpu);
  }

  #device(name: string): Device {
    let d = this.#devices.get(name);
    if (d === undefined) {
      const p = this.#deviceParams.get(name) ?? {};
      d = createDevice({ name, minAlignMask: p.minAlignMask ?? 0, ...(p.segmentBoundaryMask !== undefined ? { segmentBoundaryMask: p.segmentBoundaryMask } : {}) });
      this.#devices.set(name, d);
    }
    return d;
  }

  #map(line: number, cpu: number, devName: string, phys: number, size: number, kernelDma: number, dir: number, attrs: number): void {
    const pending = this.#bouncePending.delete(cpu);
    if (!pending && kernelDma !== -1 && kernelDma === phys) {
      this.directMaps++;
      return;
    }
    const dev = this.#device(devName);
    const mem = this.#mem;
    this.#tally.maps++;
    const tlb = swiotlbTblMapSingle(mem, dev, cpu, phys, size, size, 0, dir as DmaDirection, attrs);
    if (tlb < 0) this.#tally.failure(mem.lastFailure?.code ?? 'unknown');
    const used = memUsed(mem);
    if (used > this.#tally.peakUsed) this.#tally.peakUsed = used;
    const kernelFailed = kernelDma === -1;
    const same = kernelFailed === tlb < 0 && (!this.#compareAddresses || kernelFailed || tlb === kernelDma);
    if (same) this.#tally.matched++;
    else this.#tally.mismatch(mismatch(line, 'dma_map', { dma_addr: kernelDma, phys_addr: phys, size }, { dma_addr: tlb }));
    if (tlb >= 0 && !kernelFailed) {
      const m: LiveMap = { dev, kernelDma, tlb, size, phys };
      this.#byDma.set(`${devName}\0${kernelDma}`, m);
      this.#byPhys.set(`${devName}\0${phys}`, m);
    } else if (tlb >= 0) {
      // The kernel failed but the model did not: undo so occupancy keeps following the kernel.
      swiotlbTblUnmapSingle(mem, dev, tlb, size, dir as DmaDirection, 0x20);
    }
  }

  #unmap(m: LiveMap | undefined, dir: number, attrs: number): void {
    if (m === undefined) {
      this.directOps++;
      return;
    }
    this.#byDma.delete(`${m.dev.name}\0${m.kernelDma}`);
    this.#byPhys.delete(`${m.dev.name}\0${m.phys}`);
    this.#tally.unmaps++;
    swiotlbTblUnmapSingle(this.#mem, m.dev, m.tlb, m.size, dir as DmaDirection, attrs);
  }

  #find(devName: string, kernelDma: number): LiveMap | undefined {
    const exact = this.#byDma.get(`${devName}\0${kernelDma}`);
    if (exact !== undefined) return exact;
    for (const m of this.#byDma.values()) {
      if (m.dev.name === devName && kernelDma >= m.kernelDma && kernelDma < m.kernelDma + m.size) return m;
    }
    return undefined;
  }

  #sync(devName: string, kernelDma: number, size: number, dir: number, forCpu: boolean): void {
    const m = this.#find(devName, kernelDma);
    if (m === undefined) {
      this.directOps++;
      return;
    }
    this.#tally.syncs++;
    const addr = m.tlb + (kernelDma - m.kernelDma);
    if (forCpu) swiotlbSyncSingleForCpu(this.#mem, m.dev, addr, size, dir as DmaDirection);
    else swiotlbSyncSingleForDevice(this.#mem, m.dev, addr, size, dir as DmaDirection);
  }

  /**
   * Apply one dma:* event.
   *
   * @param ev - The event.
   * @remarks Context: any (single-threaded replay).
   */
  onEvent(ev: DmaTraceEvent): void {
    switch (ev.kind) {
      case 'dma_map_page':
      case 'dma_map_phys':
        return this.#map(ev.line, ev.cpu, ev.device, ev.physAddr, ev.size, ev.dmaAddr, ev.dir, ev.attrs);
      case 'dma_map_resource':
        this.directMaps++;
        return;
      case 'dma_unmap_page':
      case 'dma_unmap_phys':
        return this.#unmap(this.#byDma.get(`${ev.device}\0${ev.dmaAddr}`), ev.dir, ev.attrs);
      case 'dma_unmap_resource':
        this.directOps++;
        return;
      case 'dma_map_sg':
        for (let i = 0; i < ev.dmaAddrs.length && i < ev.physAddrs.length; i++) {
          this.#map(ev.line, ev.cpu, ev.device, ev.physAddrs[i]!, ev.sizes[i] ?? 0, ev.dmaAddrs[i]!, ev.dir, ev.attrs);
        }
        return;
      case 'dma_unmap_sg':
        for (const p of ev.physAddrs) this.#unmap(this.#byPhys.get(`${ev.device}\0${p}`), ev.dir, ev.attrs);
        return;
      case 'dma_sync_single_for_cpu':
      case 'dma_sync_single_for_device':
        return this.#sync(ev.device, ev.dmaAddr, ev.size, ev.dir, ev.kind === 'dma_sync_single_for_cpu');
      case 'dma_sync_sg_for_cpu':
      case 'dma_sync_sg_for_device':
        for (let i = 0; i < ev.dmaAddrs.length; i++) this.#sync(ev.device, ev.dmaAddrs[i]!, ev.sizes[i] ?? 0, ev.dir, ev.kind === 'dma_sync_sg_for_cpu');
        return;
      case 'dma_map_sg_err':
        this.#bouncePending.delete(ev.cpu);
        this.#tally.failure('kernel_sg_error');
        return;
      default:
        this.allocs++;
    }
  }

  /**
   * Mappings the trace never unmapped.
   *
   * @returns Count of live bounced mappings.
   * @remarks Context: any.
   */
  live(): number {
    return this.#byDma.size;
  }
}

function mismatch(line: number, decision: string, kernel: Record<string, number>, model: Record<string, number>): ReplayMismatch {
  return { line, text: '', decision, kernel, model, area: null };
}
