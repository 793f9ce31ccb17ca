/**
 * The built-in workload presets, by name.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';
import { STORAGE_PRESETS } from './storage.js';
import { MIXED_PRESETS } from './mixed.js';
import { TRACE_PRESET } from './trace-preset.js';
import type { WorkloadPreset } from './workload.js';

const PRESETS: WorkloadPreset[] = [...STORAGE_PRESETS, ...MIXED_PRESETS, TRACE_PRESET];

/**
 * Every preset.
 *
 * @returns Presets in a stable order.
 * @remarks Context: any.
 */
export function workloadPresets(): readonly WorkloadPreset[] {
  return PRESETS;
}

/**
 * Look a preset up by name.
 *
 * @param name - Preset name.
 * @returns The preset.
 * @throws InputError (code `unknown_workload`).
 * @remarks Context: any.
 */
export function getWorkload(name: string): WorkloadPreset {
  const p = PRESETS.find((x) => x.name === name);
  if (p === undefined) throw new InputError('unknown_workload', `Unknown workload '${name}': expected one of ${PRESETS.map((x) => x.name).join(', ')}`);
  return p;
}

/**
 * Add presets (workload modules register themselves).
 *
 * @param presets - Presets to add.
 * @remarks Context: module initialisation.
 */
export function registerWorkloads(presets: readonly WorkloadPreset[]): void {
  for (const p of presets) if (!PRESETS.some((x) => x.name === p.name)) PRESETS.push(p);
}
