/**
 * A device's min_align_mask, read off its bounce addresses. `dma:*` events
 * do not print it, but the kernel's choices show it: with a mask, a bounce
 * address keeps the original buffer's offset inside a slot (its low 11
 * bits), and the mask's bits above the slot size are equal in both
 * addresses, map after map. Without one, every bounce address starts a
 * slot. So a device whose bounce addresses ever sit inside a slot has a
 * mask: the largest candidate mask under which every one of its maps kept
 * the original's bits.
 *
 * @module
 */
import { IO_TLB_SIZE } from '../../swiotlb/constants.js';

/** Masks a device may have, smallest first (the kernel's are of the form 2^n - 1 at or above the slot offset bits). */
const CANDIDATES = [0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff, 0xffff] as const;

/** Maps a device needs behind a mask above 0xfff before the replay believes it (each such bit matches by chance half the time). */
const MIN_MAPS_FOR_WIDE_MASK = 32;

interface Evidence {
  /** Maps seen with a result, and of those, maps whose bounce address sat inside a slot. */
  maps: number;
  inSlot: number;
  /** Bit k: every map so far kept the original's bits under CANDIDATES[k]. */
  consistent: number;
}

/** Collects, per device, what its bounce addresses say about its min_align_mask. */
export class MinAlignEvidence {
  readonly #byDevice = new Map<string, Evidence>();

  /**
   * Note one bounced map the kernel made.
   *
   * @param device - Device name.
   * @param orig - Original buffer address.
   * @param tlb - The kernel's bounce address.
   * @remarks Context: replay, single-threaded.
   */
  observe(device: string, orig: number, tlb: number): void {
    let e = this.#byDevice.get(device);
    if (e === undefined) {
      e = { maps: 0, inSlot: 0, consistent: (1 << CANDIDATES.length) - 1 };
      this.#byDevice.set(device, e);
    }
    e.maps++;
    if (tlb % IO_TLB_SIZE !== 0) e.inSlot++;
    for (let k = 0; k < CANDIDATES.length; k++) if (tlb % (CANDIDATES[k]! + 1) !== orig % (CANDIDATES[k]! + 1)) e.consistent &= ~(1 << k);
  }

  /**
   * The masks the evidence shows.
   *
   * @returns Device name → min_align_mask, for devices whose bounce addresses sat inside a slot.
   * @remarks Context: any.
   */
  inferred(): Map<string, { mask: number; inSlot: number }> {
    const out = new Map<string, { mask: number; inSlot: number }>();
    for (const [device, e] of this.#byDevice) {
      if (e.inSlot === 0) continue;
      let mask = 0;
      for (let k = 0; k < CANDIDATES.length; k++) {
        if ((e.consistent & (1 << k)) === 0) break;
        if (CANDIDATES[k]! > 0xfff && e.maps < MIN_MAPS_FOR_WIDE_MASK) break;
        mask = CANDIDATES[k]!;
      }
      if (mask !== 0) out.set(device, { mask, inSlot: e.inSlot });
    }
    return out;
  }
}
