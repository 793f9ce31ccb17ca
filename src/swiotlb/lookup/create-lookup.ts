/**
 * Build a lookup strategy by name: the lab's switch between the designs'
 * answers to "is this address a bounce buffer of this device?".
 *
 * | kind | design | cost of a lookup |
 * |---|---|---|
 * | `range` | fixed pool (≤ 6.5) | one comparison per pool, no lock, every device |
 * | `mru-list` | 2023 v2 series | per-device list walk from the most recent buffer, one spinlock; 0 for devices without dynamic buffers |
 * | `tree` | RFC v1 / review suggestion | log2(n) descent, one lock, every device |
 * | `per-device-pools` | 6.6 merged | walk of the allocator's pools then the device's transient pools, RCU; 0 for devices that never bounced |
 *
 * @module
 */
import type { BufferLookup, LookupKind } from './lookup-types.js';
import { MruListLookup } from './mru-list.js';
import { PerDevicePoolsLookup } from './per-device-pools.js';
import { RangeLookup } from './range.js';
import { TreeLookup, type TreeLookupOptions } from './tree.js';

/** Every strategy, in the order of the table above. */
export const LOOKUP_KINDS: readonly LookupKind[] = ['range', 'mru-list', 'tree', 'per-device-pools'];

/**
 * Create an empty lookup.
 *
 * @param kind - Strategy.
 * @param options - Tree options (ignored by the others).
 * @returns The lookup.
 * @throws RangeError for an unknown kind.
 * @remarks Context: any.
 */
export function createLookup<T>(kind: LookupKind, options: TreeLookupOptions = {}): BufferLookup<T> {
  switch (kind) {
    case 'range':
      return new RangeLookup<T>();
    case 'mru-list':
      return new MruListLookup<T>();
    case 'tree':
      return new TreeLookup<T>(options);
    case 'per-device-pools':
      return new PerDevicePoolsLookup<T>();
    default:
      throw new RangeError(`Cannot create lookup '${String(kind)}': expected one of ${LOOKUP_KINDS.join(', ')}`);
  }
}
