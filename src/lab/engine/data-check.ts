/**
 * Byte-mode data checking: every byte of every transfer is followed from the
 * buffer it starts in to the buffer the kernel would put it in.
 *
 * The CPU stamps a mapping's original buffer with a pattern before a map to
 * the device; right after the map the device's view (the bounce buffer, or
 * the buffer itself when nothing bounces) must hold that pattern. For data
 * from the device, the device stamps its view with a second pattern right
 * after the map; right after the unmap the original buffer must hold it. At
 * the end of the run every mapping still live must still hold what its device
 * last saw, so a bounce buffer that two mappings shared, or a copy that went
 * to the wrong slot, shows up even when nobody unmapped it.
 *
 * Patterns come from a seeded generator, so runs stay byte-identical.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { PhysMemory } from '../../machine/phys-memory.js';
import { createPrng } from '../../machine/prng.js';
import { DMA_BIDIRECTIONAL, DMA_FROM_DEVICE, DMA_TO_DEVICE, type DmaDirection } from '../../swiotlb/constants.js';

/** Bytes of pattern kept in memory; longer transfers repeat it from shifting offsets. */
const PATTERN_BYTES = 1 << 16;
/** Mismatches described one by one (the rest are counted). */
const MAX_REPORTED = 20;

/** One transfer whose bytes did not arrive where the kernel would have put them. */
export interface DataMismatch {
  /** Device name (untrusted text: escape it when showing it). */
  device: string;
  /** When the check ran: right after the map, right after the unmap, or at the end of the run. */
  at: 'map' | 'unmap' | 'end of run';
  /** DMA direction of the mapping. */
  dir: 'to_device' | 'from_device' | 'bidirectional';
  /** Simulated time of the check (ns). */
  t: number;
  /** DMA address the device used. */
  dma: number;
  /** Physical address of the original buffer. */
  phys: number;
  /** Bytes of the mapping. */
  size: number;
  /** Bytes that differ from what should be there. */
  badBytes: number;
  /** Offset of the first differing byte. */
  firstBadOffset: number;
}

/** What the data check found over a run. */
export interface DataCheckResult {
  /** Checks made: one per map to the device, one per unmap from the device, one per live bounced mapping at the end. */
  checks: number;
  /** Bytes compared. */
  bytesChecked: number;
  /** Checks that found at least one wrong byte. */
  mismatchedChecks: number;
  /** Wrong bytes over all checks. */
  badBytes: number;
  /** The first mismatches, in the order they were found. */
  mismatches: DataMismatch[];
}

interface LiveMapping {
  phys: number;
  size: number;
  dir: DmaDirection;
  /** Pattern offset the device's view should hold. */
  devicePattern: number;
}

function dirName(dir: DmaDirection): DataMismatch['dir'] {
  return dir === DMA_TO_DEVICE ? 'to_device' : dir === DMA_FROM_DEVICE ? 'from_device' : 'bidirectional';
}

/** Follows transfer bytes through a byte-mode machine (see the module comment). */
export class DataCheck {
  readonly #memory: PhysMemory;
  readonly #pattern: Uint8Array;
  readonly #scratch = new Uint8Array(PATTERN_BYTES);
  readonly #live = new Map<number, Map<number, LiveMapping>>();
  #serial = 0;
  readonly result: DataCheckResult = { checks: 0, bytesChecked: 0, mismatchedChecks: 0, badBytes: 0, mismatches: [] };

  /**
   * @param memory - The machine's memory; must store bytes.
   * @param seed - Run seed (patterns derive from it).
   */
  constructor(memory: PhysMemory, seed: number) {
    this.#memory = memory;
    this.#pattern = new Uint8Array(2 * PATTERN_BYTES);
    const rnd = createPrng(seed ^ 0x5eed_da7a);
    for (let i = 0; i < this.#pattern.length; i += 4) {
      const v = rnd.nextU32();
      this.#pattern[i] = v & 0xff;
      this.#pattern[i + 1] = (v >>> 8) & 0xff;
      this.#pattern[i + 2] = (v >>> 16) & 0xff;
      this.#pattern[i + 3] = v >>> 24;
    }
  }

  /** A fresh pattern offset for the next stamp. */
  #nextPattern(): number {
    this.#serial++;
    return (this.#serial * 7919) % PATTERN_BYTES;
  }

  /** Write a pattern over [addr, addr + size). */
  #stamp(addr: number, size: number, pattern: number): void {
    for (let off = 0; off < size; off += PATTERN_BYTES) {
      const n = Math.min(PATTERN_BYTES, size - off);
      const from = (pattern + off / PATTERN_BYTES * 4099) % PATTERN_BYTES;
      this.#memory.write(addr + off, this.#pattern.subarray(from, from + n));
    }
  }

  /** Compare [addr, addr + size) with a pattern; record a mismatch. */
  #verify(dev: Device, at: DataMismatch['at'], dir: DmaDirection, t: number, dma: number, phys: number, addr: number, size: number, pattern: number): void {
    let bad = 0;
    let first = -1;
    for (let off = 0; off < size; off += PATTERN_BYTES) {
      const n = Math.min(PATTERN_BYTES, size - off);
      const from = (pattern + off / PATTERN_BYTES * 4099) % PATTERN_BYTES;
      const got = this.#scratch.subarray(0, n);
      this.#memory.readInto(addr + off, got);
      const want = this.#pattern.subarray(from, from + n);
      if (Buffer.compare(got, want) === 0) continue;
      for (let i = 0; i < n; i++) {
        if (got[i] === want[i]) continue;
        if (first < 0) first = off + i;
        bad++;
      }
    }
    const r = this.result;
    r.checks++;
    r.bytesChecked += size;
    if (bad === 0) return;
    r.mismatchedChecks++;
    r.badBytes += bad;
    if (r.mismatches.length < MAX_REPORTED) r.mismatches.push({ device: dev.name, at, dir: dirName(dir), t, dma, phys, size, badBytes: bad, firstBadOffset: first });
  }

  /**
   * Before a map: the CPU fills the buffer it hands to the device.
   *
   * @param phys - Original buffer.
   * @param size - Bytes.
   * @param dir - Direction.
   * @returns The pattern stamped (pass it to afterMap()), or -1 when the device only writes.
   * @remarks Context: the simulation's thread, before the map call.
   */
  beforeMap(phys: number, size: number, dir: DmaDirection): number {
    if (size <= 0 || (dir !== DMA_TO_DEVICE && dir !== DMA_BIDIRECTIONAL)) return -1;
    const pattern = this.#nextPattern();
    this.#stamp(phys, size, pattern);
    return pattern;
  }

  /**
   * After a successful map: the device's view must hold what the CPU wrote;
   * a device sending data then writes its own.
   *
   * @param dev - Device.
   * @param dma - DMA address returned.
   * @param phys - Original buffer.
   * @param size - Bytes.
   * @param dir - Direction.
   * @param t - Simulated time.
   * @param cpuPattern - What beforeMap() returned for this map.
   * @remarks Context: the simulation's thread, right after the map (or a deferred map's completion).
   */
  afterMap(dev: Device, dma: number, phys: number, size: number, dir: DmaDirection, t: number, cpuPattern: number): void {
    if (size <= 0) return;
    const view = dma - dev.dmaOffset;
    let devicePattern = cpuPattern;
    if (cpuPattern >= 0) this.#verify(dev, 'map', dir, t, dma, phys, view, size, cpuPattern);
    if (dir === DMA_FROM_DEVICE || dir === DMA_BIDIRECTIONAL) {
      devicePattern = this.#nextPattern();
      this.#stamp(view, size, devicePattern);
    }
    let m = this.#live.get(dev.id);
    if (m === undefined) this.#live.set(dev.id, (m = new Map()));
    m.set(dma, { phys, size, dir, devicePattern });
  }

  /**
   * After an unmap: data from the device must now be in the original buffer.
   *
   * @param dev - Device.
   * @param dma - DMA address unmapped.
   * @param t - Simulated time.
   * @remarks Context: the simulation's thread, right after the unmap.
   */
  afterUnmap(dev: Device, dma: number, t: number): void {
    const m = this.#live.get(dev.id);
    const l = m?.get(dma);
    if (l === undefined) return;
    m!.delete(dma);
    if (l.dir === DMA_FROM_DEVICE || l.dir === DMA_BIDIRECTIONAL) this.#verify(dev, 'unmap', l.dir, t, dma, l.phys, l.phys, l.size, l.devicePattern);
  }

  /**
   * At the end of the run: every live bounced mapping must still hold what its device last saw.
   *
   * @param devices - The machine's devices (by id).
   * @param t - End time.
   * @returns The findings over the whole run.
   * @remarks Context: the simulation's thread, once, after the last event.
   */
  finish(devices: readonly Device[], t: number): DataCheckResult {
    for (const dev of devices) {
      const m = this.#live.get(dev.id);
      if (m === undefined) continue;
      for (const [dma, l] of m) {
        const view = dma - dev.dmaOffset;
        // A mapping that did not bounce shares its bytes with the buffer, which its driver may reuse.
        if (view === l.phys || l.devicePattern < 0) continue;
        this.#verify(dev, 'end of run', l.dir, t, dma, l.phys, view, l.size, l.devicePattern);
      }
    }
    return this.result;
  }
}
