/**
 * Finding the pool that holds a bounce address in a dynamic kernel (spec
 * §4.7, §5.2 "Lookup cost", §7 item 37): a linear walk over `mem->pools`,
 * then over the device's transient pools, counting every node visited; and
 * the `dma_uses_io_tlb` gate that makes the walk free for devices that never
 * bounced.
 *
 * How often a call looks up depends on the release: 6.6 - 6.10 look the pool
 * up again in each helper (bounce, transient check, release: up to three
 * times per unmap); 6.11 ("reduce swiotlb pool lookups") looks it up once,
 * through the gated swiotlb_find_pool(), and passes it down.
 *
 * @module
 */
import type { Device } from '../../machine/device.js';
import type { IoTlbPool } from '../pool.js';
import { ContractError } from '../../util/errors.js';
import { poolContaining } from '../io-tlb-mem.js';
import { devIoTlb, type DevIoTlb, type DynIoTlbMem } from './dyn-mem.js';

/**
 * __swiotlb_find_pool(): walk `mem->pools`, then the device's transient pools,
 * for the pool containing `paddr`; no `dma_uses_io_tlb` gate.
 *
 * @param d - The allocator.
 * @param s - The device's state.
 * @param paddr - Physical address.
 * @returns The pool, or null.
 * @remarks Context: any (an RCU read-side section in the kernel); no locks.
 */
export function swiotlbFindPoolWalk(d: DynIoTlbMem, s: DevIoTlb, paddr: number): IoTlbPool | null {
  const c = d.counters;
  c.lookups++;
  const pools = d.mem.pools;
  for (let i = 0; i < pools.length; i++) {
    const p = pools[i]!;
    c.nodesVisited++;
    if (paddr >= p.start && paddr < p.end) return p;
  }
  const own = s.pools;
  for (let i = 0; i < own.length; i++) {
    const p = own[i]!;
    c.nodesVisited++;
    if (paddr >= p.start && paddr < p.end) return p;
  }
  return null;
}

/**
 * is_swiotlb_buffer() (<= 6.10) or swiotlb_find_pool() (6.11+) of a dynamic
 * kernel: "not swiotlb" at no walking cost until the device's first
 * successful swiotlb allocation, then the walk.
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param paddr - Physical address.
 * @returns The pool, or null.
 * @remarks Context: any; no locks (a read barrier pairs with the map's full barrier).
 */
export function swiotlbFindPool(d: DynIoTlbMem, dev: Device, paddr: number): IoTlbPool | null {
  const s = devIoTlb(d, dev);
  if (!s.usesIoTlb) {
    d.counters.lookups++;
    return null;
  }
  return swiotlbFindPoolWalk(d, s, paddr);
}

/**
 * Whether a bounce address is in one of the pools the device may use, with
 * no lookup counted (6.11+ dma-direct: the wrapper's own lookup is counted).
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param paddr - Physical address.
 * @returns The gated lookup's answer (false for a device that never bounced).
 * @remarks Context: any; no locks.
 */
export function holdsPool(d: DynIoTlbMem, dev: Device, paddr: number): boolean {
  const s = devIoTlb(d, dev);
  if (!s.usesIoTlb) return false;
  if (poolContaining(d.mem, paddr) !== null) return true;
  for (const p of s.pools) if (paddr >= p.start && paddr < p.end) return true;
  return false;
}

/**
 * The pool of a bounce address a caller hands back (unmap, sync); the model
 * refuses an address that is no bounce buffer, where the kernel would
 * dereference NULL (<= 6.10) or silently do nothing (6.11+).
 *
 * @param d - The allocator.
 * @param dev - The device.
 * @param tlb - Bounce address.
 * @param what - Operation, for the message.
 * @param gated - Use the gated lookup (6.11+ wrappers) instead of the bare walk.
 * @returns The pool.
 * @throws ContractError (code `unmap_not_swiotlb`) when no pool of the device holds tlb.
 * @remarks Context: any; no locks.
 */
export function poolOfBounce(d: DynIoTlbMem, dev: Device, tlb: number, what: string, gated: boolean): IoTlbPool {
  const pool = gated ? swiotlbFindPool(d, dev, tlb) : swiotlbFindPoolWalk(d, devIoTlb(d, dev), tlb);
  if (pool === null) {
    throw new ContractError('unmap_not_swiotlb', `Cannot ${what} 0x${tlb.toString(16)} for ${dev.name}: it is not a swiotlb bounce address of this device`);
  }
  return pool;
}
