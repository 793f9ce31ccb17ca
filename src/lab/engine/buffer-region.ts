/**
 * Where a workload's driver keeps its buffers: the built-in layout (from
 * 1 GiB up) on machines with room for it, regions reserved from the page
 * allocator on smaller boards.
 *
 * @module
 */
import type { Machine } from '../../machine/machine.js';
import { PAGE_SIZE } from '../../machine/constants.js';
import { InputError } from '../../util/errors.js';

/** Below this much RAM the built-in buffer layout (1 GiB up) cannot fit: regions come from the page allocator. */
const SMALL_BOARD_RAM = 2 * 1024 ** 3;

/**
 * Refuse a workload buffer region outside the machine's RAM: the configuration cannot run.
 *
 * @param machine - The machine.
 * @param phys - Region start.
 * @param size - Bytes.
 * @returns Never.
 * @throws InputError (code `outside_ram`) naming the RAM to give.
 * @remarks Context: workload build time.
 */
export function notRam(machine: Machine, phys: number, size: number): never {
  throw new InputError(
    'outside_ram',
    `machine.ramBytes: the workload keeps ${size} bytes of buffers at 0x${phys.toString(16)}, which is not RAM of this machine (RAM ends at 0x${machine.map.ramEnd.toString(16)}); the built-in workloads keep their buffers from 1 GiB up: give at least ${Math.ceil((phys + size) / 2 ** 30) + 1} GiB (--ram) or smaller knobs`,
  );
}

/**
 * Place one of a driver's buffer regions. On machines with 2 GiB of RAM or
 * more it is `fixed` (the built-in layout, from 1 GiB up); on smaller boards
 * the layout cannot fit, so the region is reserved from the page allocator
 * instead (below the swiotlb pool, away from dynamic pools).
 *
 * @param machine - The machine.
 * @param fixed - The region's place in the built-in layout.
 * @param bytes - Its size.
 * @returns The region's first address.
 * @throws InputError (code `outside_ram`) when the built-in place is not RAM; `no_memory` when a small board has no room for it.
 * @remarks Context: workload build time (before the run).
 */
export function placeBufferRegion(machine: Machine, fixed: number, bytes: number): number {
  const m = machine;
  if (m.map.ramBytes >= SMALL_BOARD_RAM) {
    if (!m.map.isRam(fixed, bytes)) notRam(m, fixed, bytes);
    return fixed;
  }
  const size = Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
  const at = size === 0 ? -1 : m.pages.reserveTopDown(size, PAGE_SIZE, m.map.ramEnd);
  if (at < 0) throw new InputError('no_memory', `machine.ramBytes: the workload's buffers need another ${size} bytes and this ${m.map.ramBytes}-byte machine has no free range that large: give more RAM (--ram) or smaller knobs`);
  return at;
}
