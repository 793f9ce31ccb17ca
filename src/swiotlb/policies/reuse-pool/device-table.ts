/**
 * The per-device pools of the `reuse-pool` policy: created on a device's
 * first use with its reserve, found by device and bounce address, and
 * trimmed together by the maintenance job.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import type { Machine } from '../../../machine/machine.js';
import { PAGE_SIZE } from '../../constants.js';
import { DevicePool, TRIM_CHUNK } from './device-pool.js';
import type { ReusePoolConfig } from './options.js';
import type { PageMapping } from './page-mapping.js';
import type { PageSource } from './page-source.js';

/** Every device's pool. */
export class DeviceTable {
  readonly #machine: Machine;
  readonly #cfg: ReusePoolConfig;
  readonly #source: PageSource;
  readonly #pools = new Map<number, DevicePool>();
  readonly #trimBuf = new Float64Array(TRIM_CHUNK);

  /**
   * @param machine - The machine.
   * @param cfg - Resolved options (reserves, decay).
   * @param source - Page source.
   */
  constructor(machine: Machine, cfg: ReusePoolConfig, source: PageSource) {
    this.#machine = machine;
    this.#cfg = cfg;
    this.#source = source;
  }

  /**
   * A device's pool, created on first use with the configured reserve allocated and shared: the
   * driver's probe-time hv_bounce_resources_reserve() (process context), whatever the context of
   * the call that first sees the device.
   *
   * @param dev - The device.
   * @param now - Simulated time.
   * @returns Its pool.
   * @remarks Context: any.
   */
  get(dev: Device, now: number): DevicePool {
    let dp = this.#pools.get(dev.id);
    if (dp === undefined) {
      dp = new DevicePool(this.#machine, dev);
      dp.reservePages = this.reservePages(this.#cfg.reserveBytes(dev));
      this.#pools.set(dev.id, dp);
      dp.fill(this.#source, true, now);
    }
    return dp;
  }

  /** Pages held by all devices (in use and cached). */
  get heldPages(): number {
    let n = 0;
    for (const dp of this.#pools.values()) n += dp.held;
    return n;
  }

  /**
   * Reserve bytes in pages, rounded up to whole batches (as the RFC rounded to 64 pages).
   *
   * @param bytes - Bytes.
   * @returns Pages.
   * @remarks Context: any.
   */
  reservePages(bytes: number): number {
    const b = this.#source.batchPages;
    return Math.ceil(Math.ceil(bytes / PAGE_SIZE) / b) * b;
  }

  /**
   * The live mapping of dev that owns the page holding addr (one hash probe).
   *
   * @param dev - The device.
   * @param addr - Any address.
   * @returns The mapping, or undefined.
   * @remarks Context: any. No allocation.
   */
  find(dev: Device, addr: number): PageMapping | undefined {
    return this.#pools.get(dev.id)?.byPage.get(addr - (addr % PAGE_SIZE));
  }

  /**
   * Trim every device (the maintenance job's body).
   *
   * @param now - Simulated time.
   * @returns Pages freed.
   * @remarks Context: process context; takes each device's lock once.
   */
  trimAll(now: number): number {
    let freed = 0;
    for (const dp of this.#pools.values()) freed += dp.trim(now, this.#cfg.decayNs, this.#source, this.#trimBuf);
    return freed;
  }

  /** Devices (pools), for lock counts. */
  get size(): number {
    return this.#pools.size;
  }

  /**
   * Devices holding pages (PolicyStats.pools).
   *
   * @returns The count.
   * @remarks Context: any.
   */
  holding(): number {
    let n = 0;
    for (const dp of this.#pools.values()) if (dp.held > 0) n++;
    return n;
  }
}
