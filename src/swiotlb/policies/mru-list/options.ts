/**
 * Options of the `mru-list` policy and how `swiotlb=` (with the v2 series'
 * option list, spec §6.2) sets them.
 *
 * @module
 */
import { parseSwiotlbParams } from '../../params.js';
import type { TreeLookupOptions } from '../../lookup/tree.js';

/** Lookup strategies the dynamic buffers can be tracked with. */
export type DynLookupKind = 'mru-list' | 'tree' | 'per-device-pools';

/** Options of {@link createMruListPolicy}. */
export interface MruListOptions {
  /**
   * Allow dynamic buffers (`allow_dyn`, `swiotlb=...,dynamic`); default true
   * for this policy. Off, the policy is the fixed pool plus the v2 lookups.
   */
  dynamic?: boolean;
  /** The allocator is a restricted DMA pool: it never allocates dynamically, whatever `dynamic` says. Default false. */
  restricted?: boolean;
  /**
   * How dynamic buffers are found; default `mru-list` (the series). `tree` and
   * `per-device-pools` replay the review's alternatives on the same workload.
   */
  lookup?: DynLookupKind;
  /** Options of the `tree` lookup. */
  tree?: TreeLookupOptions;
}

/** Options derived from a `swiotlb=` value, with what the kernel would log. */
export interface MruListParamResult {
  options: MruListOptions;
  /** Parse-time kernel log lines (e.g. "Invalid swiotlb option: foo"). */
  logLines: string[];
}

/**
 * Options from the text after `swiotlb=`, parsed with the v2 option-list
 * grammar: `dynamic` among the options enables dynamic buffers, its absence
 * disables them (the series' default). Sizes and `force` belong to PolicyEnv.
 *
 * @param value - E.g. `65536,dynamic` or `32768,force,dynamic`.
 * @returns Options and log lines.
 * @remarks Context: any (boot).
 */
export function mruListOptionsFromParam(value: string): MruListParamResult {
  const r = parseSwiotlbParams(value, { dynamicOption: true });
  return { options: { dynamic: r.state.dynamic }, logLines: r.logLines };
}
