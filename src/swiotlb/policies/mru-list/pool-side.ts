/**
 * The fixed half of the `mru-list` policy: the boot pool (reserved, and
 * shared in a CoCo guest, by the fixed policy's reserveBootPool()), its
 * is_swiotlb_fixed() range check through the `range` lookup strategy, the
 * pool mappings that are live and the failures of maps that ended there.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { IO_TLB_SIZE, type DmaDirection } from '../../constants.js';
import { memUsed, type IoTlbMem } from '../../io-tlb-mem.js';
import { RangeLookup } from '../../lookup/range.js';
import { swiotlbSyncSingleForCpu, swiotlbSyncSingleForDevice, swiotlbTblMapSingle, swiotlbTblUnmapSingle } from '../../map-single.js';
import type { CallContext, LiveBuffer, MapRequest, PolicyEnv, PolicyStats } from '../../policy.js';
import { reserveBootPool } from '../fixed/policy.js';

/** The boot pool and its bookkeeping. */
export class PoolSide {
  readonly mem: IoTlbMem;
  /** is_swiotlb_fixed(): the boot pool's bounds (empty without a pool). */
  readonly range: RangeLookup<number> = new RangeLookup<number>();
  /** Final failures of maps, by code (every failed map ends in the pool). */
  readonly failuresByCode: PolicyStats['failuresByCode'] = {};
  readonly #live = new Map<number, LiveBuffer>();

  /**
   * Reserve the boot pool (shared with the host in a CoCo guest).
   *
   * @param env - Environment.
   * @throws InputError (code `no_memory`) when the pool does not fit below 4 GiB.
   * @remarks Context: process context (boot).
   */
  constructor(env: PolicyEnv) {
    this.mem = reserveBootPool(env);
    const pool = this.mem.pools[0];
    if (pool !== undefined) this.range.insert(null, pool.start, pool.end, 0);
  }

  /** Bytes of the pool. */
  get bytes(): number {
    return this.mem.nslabs * IO_TLB_SIZE;
  }

  /** Bytes of slots in use (mem_used()). */
  get usedBytes(): number {
    return memUsed(this.mem) * IO_TLB_SIZE;
  }

  /**
   * is_swiotlb_fixed(): whether addr lies in the pool (one counted range check).
   *
   * @param dev - Device.
   * @param addr - Address.
   * @returns true inside the pool.
   * @remarks Context: any; no lock. Hot path: no allocation.
   */
  contains(dev: Device, addr: number): boolean {
    return this.range.find(dev, addr) !== null;
  }

  /**
   * swiotlb_tbl_map_single() on the pool.
   *
   * @param req - Request.
   * @param ctx - Call context (cpu).
   * @returns Bounce address, or -1 with mem.lastFailure set (and counted by code).
   * @remarks Context: any; takes area locks one at a time.
   */
  map(req: MapRequest, ctx: CallContext): number {
    const tlb = swiotlbTblMapSingle(this.mem, req.dev, ctx.cpu, req.orig, req.size, req.size, req.allocAlignMask, req.dir, req.attrs);
    if (tlb < 0) {
      const code = this.mem.lastFailure!.code;
      this.failuresByCode[code] = (this.failuresByCode[code] ?? 0) + 1;
      return -1;
    }
    this.#live.set(tlb, { dev: req.dev, tlb, size: req.size, reserved: Math.ceil((req.size + (tlb % IO_TLB_SIZE)) / IO_TLB_SIZE) * IO_TLB_SIZE });
    return tlb;
  }

  /**
   * swiotlb_tbl_unmap_single() on the pool (copy-back unless SKIP_CPU_SYNC, release).
   *
   * @param dev - Device.
   * @param tlb - Bounce address in the pool.
   * @param size - Mapping size.
   * @param dir - Direction.
   * @param attrs - Attributes.
   * @throws ContractError (`unmap_not_mapped`) when tlb is not a live pool mapping.
   * @remarks Context: any; takes the owning area's lock.
   */
  unmap(dev: Device, tlb: number, size: number, dir: DmaDirection, attrs: number): void {
    swiotlbTblUnmapSingle(this.mem, dev, tlb, size, dir, attrs);
    this.#live.delete(tlb);
  }

  /**
   * swiotlb_sync_single_for_cpu() / _for_device() on the pool.
   *
   * @param dev - Device.
   * @param tlb - Address in the pool.
   * @param size - Bytes.
   * @param dir - Direction.
   * @param forCpu - For the CPU (true) or the device.
   * @throws ContractError (`bad_direction`) for DMA_NONE.
   * @remarks Context: any; no lock.
   */
  sync(dev: Device, tlb: number, size: number, dir: DmaDirection, forCpu: boolean): void {
    if (forCpu) swiotlbSyncSingleForCpu(this.mem, dev, tlb, size, dir);
    else swiotlbSyncSingleForDevice(this.mem, dev, tlb, size, dir);
  }

  /**
   * Live pool mappings.
   *
   * @returns A new array.
   * @remarks Context: any.
   */
  live(): LiveBuffer[] {
    return [...this.#live.values()];
  }
}
