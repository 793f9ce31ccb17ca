/**
 * What a simulated DMA call tells the recorders and checkers a run may carry
 * (Perfetto trace, dma-debug, byte-mode data check). Kept apart from the
 * engine's hot path.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { DmaDirection } from '../../swiotlb/constants.js';
import type { DmaDebug } from '../../dma/dma-debug.js';
import type { DmaContext } from '../../dma/dma-context.js';
import { DMA_MAPPING_ERROR } from '../../dma/dma-direct.js';
import type { PerfettoRecorder } from './perfetto.js';
import type { DataCheck } from './data-check.js';

/** The recorders and checkers of a run (each optional). */
export interface CallObservers {
  dma: DmaContext;
  debug?: DmaDebug;
  perfetto?: PerfettoRecorder;
  data?: DataCheck;
}

/**
 * Tell the observers about a map call that ended.
 *
 * @param o - Observers.
 * @param dev - Device.
 * @param cpu - CPU.
 * @param t - Issue time.
 * @param begin - Start of the call.
 * @param end - End of the call.
 * @param dma - The call's result (an address, or a negative code).
 * @param phys - Original buffer.
 * @param size - Bytes.
 * @param dir - Direction.
 * @param cpuPattern - The data check's pattern for this map (-1 for none).
 * @returns Nothing.
 * @remarks Context: the simulation's thread, right after the map.
 */
export function observeMap(o: CallObservers, dev: Device, cpu: number, t: number, begin: number, end: number, dma: number, phys: number, size: number, dir: DmaDirection, cpuPattern: number): void {
  const pf = o.perfetto;
  if (pf !== undefined) {
    pf.call(cpu, 'map', dev.name, begin, end, size, dma === DMA_MAPPING_ERROR ? (o.dma.lastFailure?.code ?? 'unknown') : null);
    if (dma >= 0) pf.mapStart(dev.id, dev.name, dma, size, end);
  }
  if (dma < 0) return;
  o.debug?.map(dev, dma, size, dir, end, `${dev.name} map at t=${Math.round(t)} ns`);
  o.data?.afterMap(dev, dma, phys, size, dir, end, cpuPattern);
}

/**
 * dma-debug's checks of an unmap, before it happens.
 *
 * @param debug - The checker.
 * @param dev - Device.
 * @param t - Issue time.
 * @param dma - Address unmapped.
 * @param size - Bytes.
 * @param dir - Direction.
 * @param begin - Start of the call.
 * @returns Nothing.
 * @remarks Context: the simulation's thread.
 */
export function debugUnmap(debug: DmaDebug, dev: Device, t: number, dma: number, size: number, dir: DmaDirection, begin: number): void {
  debug.unmap(dev, dma, size, dir, `${dev.name} unmap at t=${Math.round(t)} ns`, begin);
}

/**
 * Tell the observers about an unmap call that ended.
 *
 * @param o - Observers.
 * @param dev - Device.
 * @param cpu - CPU.
 * @param begin - Start of the call.
 * @param end - End of the call.
 * @param dma - Address unmapped.
 * @param size - Bytes.
 * @returns Nothing.
 * @remarks Context: the simulation's thread, right after the unmap.
 */
export function observeUnmap(o: CallObservers, dev: Device, cpu: number, begin: number, end: number, dma: number, size: number): void {
  o.data?.afterUnmap(dev, dma, end);
  const pf = o.perfetto;
  if (pf !== undefined) {
    pf.call(cpu, 'unmap', dev.name, begin, end, size, null);
    pf.mapEnd(dev.id, dev.name, dma, begin);
  }
}
