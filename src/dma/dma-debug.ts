/**
 * DMA-API debugging in the spirit of CONFIG_DMA_API_DEBUG: every map, sync
 * and unmap is checked against the mappings the device holds. Findings are
 * data with a code, the device, and where the call came from (a trace line or
 * a simulated time).
 *
 * @module
 */
import type { Device } from '../machine/device.js';
import { DMA_BIDIRECTIONAL, type DmaDirection } from '../swiotlb/constants.js';

/** What dma-debug can find. */
export type DebugCode =
  | 'unmap_not_mapped'
  | 'double_unmap'
  | 'unmap_size_mismatch'
  | 'unmap_dir_mismatch'
  | 'sync_not_mapped'
  | 'sync_after_unmap'
  | 'sync_overflow'
  | 'sync_dir_mismatch'
  | 'device_overflow'
  | 'leak';

/** One finding. */
export interface DebugFinding {
  code: DebugCode;
  device: string;
  /** DMA address concerned. */
  dma: number;
  message: string;
  /** Where the call was made (trace line `file:line`, or `t=<ns>`). */
  where: string;
}

interface Mapping {
  size: number;
  dir: DmaDirection;
  mappedAt: number;
  where: string;
}

const KEEP = 200;
const FREED_MEMORY = 4096;

/** The checker. */
export class DmaDebug {
  readonly #live = new Map<string, Mapping>();
  /** Recently unmapped keys (bounded), to tell a double unmap from a never-mapped address. */
  readonly #freed = new Set<string>();
  readonly findings: DebugFinding[] = [];
  readonly counts: Partial<Record<DebugCode, number>> = {};
  /** Longest lifetime of a mapping that was unmapped, per device id. */
  readonly maxLifetime = new Map<number, number>();

  #report(code: DebugCode, dev: Device, dma: number, message: string, where: string): void {
    this.counts[code] = (this.counts[code] ?? 0) + 1;
    if (this.findings.length < KEEP) this.findings.push({ code, device: dev.name, dma, message, where });
  }

  /**
   * A map succeeded.
   *
   * @param dev - Device.
   * @param dma - DMA address returned.
   * @param size - Bytes.
   * @param dir - Direction.
   * @param now - Time (ns) or order of the call.
   * @param where - Origin of the call.
   * @remarks Context: any.
   */
  map(dev: Device, dma: number, size: number, dir: DmaDirection, now: number, where: string): void {
    const key = `${dev.id}:${dma}`;
    this.#freed.delete(key);
    this.#live.set(key, { size, dir, mappedAt: now, where });
  }

  /**
   * An unmap is about to happen: check it against the map.
   *
   * @param dev - Device.
   * @param dma - DMA address passed.
   * @param size - Bytes passed.
   * @param dir - Direction passed.
   * @param where - Origin of the call.
   * @param now - Time (ns) or order of the call, for the mapping's lifetime.
   * @returns Whether the address was mapped (callers may skip an unmap that would corrupt state).
   * @remarks Context: any.
   */
  unmap(dev: Device, dma: number, size: number, dir: DmaDirection, where: string, now = 0): boolean {
    const key = `${dev.id}:${dma}`;
    const m = this.#live.get(key);
    if (m === undefined) {
      if (this.#freed.has(key)) this.#report('double_unmap', dev, dma, `unmap of 0x${dma.toString(16)} which was already unmapped`, where);
      else this.#report('unmap_not_mapped', dev, dma, `unmap of 0x${dma.toString(16)} which was never mapped`, where);
      return false;
    }
    if (m.size !== size) this.#report('unmap_size_mismatch', dev, dma, `unmap of ${size} bytes at 0x${dma.toString(16)} mapped with ${m.size} bytes at ${m.where}`, where);
    if (m.dir !== dir) this.#report('unmap_dir_mismatch', dev, dma, `unmap with direction ${dir} of a mapping made with direction ${m.dir} at ${m.where}`, where);
    const life = now - m.mappedAt;
    if (life > (this.maxLifetime.get(dev.id) ?? 0)) this.maxLifetime.set(dev.id, life);
    this.#live.delete(key);
    this.#freed.add(key);
    if (this.#freed.size > FREED_MEMORY) this.#freed.delete(this.#freed.values().next().value!);
    return true;
  }

  /**
   * A sync: the range must lie in one live mapping, with a compatible direction.
   *
   * @param dev - Device.
   * @param dma - Start of the synced range.
   * @param size - Bytes.
   * @param dir - Direction passed.
   * @param where - Origin of the call.
   * @remarks Context: any.
   */
  sync(dev: Device, dma: number, size: number, dir: DmaDirection, where: string): void {
    const key = `${dev.id}:${dma}`;
    let m = this.#live.get(key);
    let start = dma;
    if (m === undefined) {
      for (const [k, v] of this.#live) {
        const [id, a] = k.split(':');
        if (Number(id) === dev.id && dma >= Number(a) && dma < Number(a) + v.size) {
          m = v;
          start = Number(a);
          break;
        }
      }
    }
    if (m === undefined) {
      this.#report(this.#freed.has(key) ? 'sync_after_unmap' : 'sync_not_mapped', dev, dma, `sync of 0x${dma.toString(16)}+${size} outside any live mapping`, where);
      return;
    }
    if (dma + size > start + m.size) this.#report('sync_overflow', dev, dma, `sync of ${size} bytes at 0x${dma.toString(16)} runs past the mapping of ${m.size} bytes made at ${m.where}`, where);
    if (m.dir !== DMA_BIDIRECTIONAL && m.dir !== dir) this.#report('sync_dir_mismatch', dev, dma, `sync with direction ${dir} of a mapping made with direction ${m.dir}`, where);
  }

  /**
   * A device access past the end of its mapping (the swiotlb's "Buffer overflow detected").
   *
   * @param dev - Device.
   * @param dma - Address.
   * @param message - The kernel's warning text.
   * @param where - Origin.
   * @remarks Context: any.
   */
  overflow(dev: Device, dma: number, message: string, where: string): void {
    this.#report('device_overflow', dev, dma, message, where);
  }

  /**
   * Mappings still live.
   *
   * @returns Live mappings (device id, dma, size, mapped at, where).
   * @remarks Context: end of run.
   */
  live(): { device: number; dma: number; size: number; mappedAt: number; where: string }[] {
    return [...this.#live].map(([k, v]) => {
      const [id, a] = k.split(':');
      return { device: Number(id), dma: Number(a), size: v.size, mappedAt: v.mappedAt, where: v.where };
    });
  }
}
