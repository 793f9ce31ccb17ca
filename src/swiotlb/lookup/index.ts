/**
 * Bounce-buffer lookup strategies (explicit export list).
 *
 * @module
 */
export { newLookupCounters, type BufferLookup, type LookupCounters, type LookupKind } from './lookup-types.js';
export { RangeLookup, rangeLookupOf } from './range.js';
export { MruListLookup } from './mru-list.js';
export { TreeLookup, type TreeLookupOptions } from './tree.js';
export { PerDevicePoolsLookup } from './per-device-pools.js';
export { LOOKUP_KINDS, createLookup } from './create-lookup.js';
