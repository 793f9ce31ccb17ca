/**
 * The bounced mappings a dma:* trace has made and not yet unmapped, found
 * the ways its events name them: an unmap or sync by DMA address, a
 * scatterlist unmap by original address (dma_unmap_sg prints only those).
 * An address inside the pool that no mapping of the trace covers belongs to
 * a mapping made before the trace (once a pool line has placed the pool).
 *
 * @module
 */

/** A bounced mapping as the replay tracks it. */
export interface LiveMapping {
  readonly dma: number;
  readonly size: number;
  /** Original address, -1 when the map is not in the trace. */
  readonly phys: number;
}

/** The live bounced mappings of a dma:* trace, per device. */
export class LiveBounces {
  readonly #byDma = new Map<string, LiveMapping>();
  readonly #byPhys = new Map<string, LiveMapping>();
  #poolStart = 0;
  #poolEnd = 0;

  /**
   * Note where the pool is (from a pool line).
   *
   * @param start - First bounce address.
   * @param end - One past the last.
   * @remarks Context: replay, single-threaded.
   */
  setPool(start: number, end: number): void {
    this.#poolStart = start;
    this.#poolEnd = end;
  }

  /**
   * Note a bounced mapping.
   *
   * @param device - Device name.
   * @param m - The mapping.
   * @remarks Context: replay, single-threaded.
   */
  add(device: string, m: LiveMapping): void {
    this.#byDma.set(`${device}\0${m.dma}`, m);
    this.#byPhys.set(`${device}\0${m.phys}`, m);
  }

  /**
   * The mapping an unmap by DMA address ends: one of the trace's, or one made before it when the address is in the pool.
   *
   * @param device - Device name.
   * @param dma - DMA address.
   * @param size - Bytes the unmap gives.
   * @returns The mapping, or undefined for a mapping that went direct.
   * @remarks Context: replay, single-threaded.
   */
  byDma(device: string, dma: number, size: number): LiveMapping | undefined {
    return this.#byDma.get(`${device}\0${dma}`) ?? this.#inPool(dma, size);
  }

  /**
   * The mapping of an original address (a scatterlist unmap), if the trace made it.
   *
   * @param device - Device name.
   * @param phys - Original address.
   * @returns The mapping, or undefined.
   * @remarks Context: replay, single-threaded.
   */
  byPhys(device: string, phys: number): LiveMapping | undefined {
    return this.#byPhys.get(`${device}\0${phys}`);
  }

  /**
   * Forget an unmapped mapping.
   *
   * @param device - Device name.
   * @param m - The mapping.
   * @remarks Context: replay, single-threaded.
   */
  remove(device: string, m: LiveMapping): void {
    this.#byDma.delete(`${device}\0${m.dma}`);
    if (m.phys >= 0) this.#byPhys.delete(`${device}\0${m.phys}`);
  }

  /**
   * Whether a sync of this address touches a bounce buffer: inside the pool, or inside a mapping of the device.
   *
   * @param device - Device name.
   * @param dma - DMA address.
   * @param size - Bytes.
   * @returns true for a bounce buffer.
   * @remarks Context: replay, single-threaded.
   */
  covers(device: string, dma: number, size: number): boolean {
    if (this.#inPool(dma, size) !== undefined || this.#byDma.has(`${device}\0${dma}`)) return true;
    for (const [k, m] of this.#byDma) if (k.startsWith(`${device}\0`) && dma >= m.dma && dma < m.dma + m.size) return true;
    return false;
  }

  /** Bounced mappings not unmapped. */
  get size(): number {
    return this.#byDma.size;
  }

  #inPool(dma: number, size: number): LiveMapping | undefined {
    return this.#poolEnd > this.#poolStart && dma >= this.#poolStart && dma < this.#poolEnd ? { dma, size, phys: -1 } : undefined;
  }
}
