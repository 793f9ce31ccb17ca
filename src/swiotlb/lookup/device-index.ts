/**
 * Per-device state of a lookup strategy, the model of the fields the designs
 * add to `struct device` (dma_io_tlb_dyn_slots, dma_io_tlb_have_dyn,
 * dma_io_tlb_pools, dma_uses_io_tlb): a small integer slot per device, and
 * typed arrays indexed by it for the list head (or tree root) and the flag.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import { NIL } from './node-store.js';

/** Device slots with a head and a flag each. */
export class DeviceIndex {
  /** List head (or tree root) per slot; NIL when empty. */
  head: Int32Array;
  /** Per-slot flag (have_dyn, dma_uses_io_tlb): 1 once set; never cleared, as in the kernel. */
  flag: Uint8Array;
  /** Slots handed out. */
  count = 0;
  readonly #slots = new Map<number, number>();

  /**
   * Create an index.
   *
   * @param capacity - Initial device capacity (grows by doubling).
   * @remarks Context: any.
   */
  constructor(capacity = 8) {
    this.head = new Int32Array(capacity).fill(NIL);
    this.flag = new Uint8Array(capacity);
  }

  /**
   * The device's slot, if it has one.
   *
   * @param dev - Device.
   * @returns Slot, or -1 when the device never had an entry.
   * @remarks Context: any. Hot path: no allocation.
   */
  slotOf(dev: Device): number {
    return this.#slots.get(dev.id) ?? -1;
  }

  /**
   * The device's slot, created on first use (head NIL, flag 0).
   *
   * @param dev - Device.
   * @returns Slot.
   * @remarks Context: process or atomic context (the first insert for a device). Allocates only for a new device.
   */
  ensure(dev: Device): number {
    let s = this.#slots.get(dev.id);
    if (s !== undefined) return s;
    s = this.count++;
    if (s === this.head.length) {
      const head = new Int32Array(s * 2).fill(NIL);
      head.set(this.head);
      const flag = new Uint8Array(s * 2);
      flag.set(this.flag);
      this.head = head;
      this.flag = flag;
    }
    this.#slots.set(dev.id, s);
    return s;
  }
}
