/**
 * What a workload preset is: named knobs with defaults and documentation,
 * and a builder that attaches its devices and jobs to a simulation.
 *
 * @module
 */
import type { Machine } from '../../machine/machine.js';
import type { Simulation } from '../engine/simulation.js';
import { InputError } from '../../util/errors.js';

/** One knob of a preset. */
export interface Knob {
  readonly name: string;
  readonly default: number | string | boolean;
  readonly unit: string;
  readonly description: string;
}

/** A built-in workload. */
export interface WorkloadPreset {
  readonly name: string;
  readonly description: string;
  readonly knobs: readonly Knob[];
  /**
   * Add devices to the machine and jobs to the simulation.
   *
   * @param sim - The simulation.
   * @param machine - The machine.
   * @param k - Resolved knob values.
   * @param cpus - CPUs of the machine.
   */
  build(sim: Simulation, machine: Machine, k: Record<string, number | string | boolean>, cpus: number): void;
}

/**
 * Upper bounds by unit, so a knob cannot ask for more than a simulation can
 * hold (1e308 requests in flight would exhaust memory, not model a device):
 * generous for real hardware, each a whole-number count where the unit counts things.
 */
const UNIT_LIMITS: Record<string, { max: number; integer: boolean }> = {
  requests: { max: 65536, integer: true },
  jobs: { max: 1024, integer: true },
  devices: { max: 1024, integer: true },
  buffers: { max: 65536, integer: true },
  bytes: { max: 2 ** 31, integer: true },
  MiB: { max: 65536, integer: false },
  fraction: { max: 1, integer: false },
  mask: { max: 2 ** 31 - 1, integer: true },
};
/** Any other unit (rates, times): at most this. */
const OTHER_MAX = 1e9;

/**
 * Resolve knob values: defaults, then overrides, checking names and types.
 *
 * @param preset - The preset.
 * @param overrides - Values from the config or the command line.
 * @returns Every knob's value.
 * @throws InputError (code `bad_knob`) for an unknown knob, a wrong type, or a number beyond its unit's bound.
 * @remarks Context: any.
 */
export function resolveKnobs(preset: WorkloadPreset, overrides: Record<string, unknown>): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const k of preset.knobs) out[k.name] = k.default;
  for (const [name, v] of Object.entries(overrides)) {
    const k = preset.knobs.find((x) => x.name === name);
    if (k === undefined) throw new InputError('bad_knob', `Workload '${preset.name}' has no knob '${name}': expected one of ${preset.knobs.map((x) => x.name).join(', ')}`);
    if (typeof v !== typeof k.default || (typeof v === 'number' && (!Number.isFinite(v) || v < 0))) {
      throw new InputError('bad_knob', `Knob '${name}' of '${preset.name}' must be a ${typeof k.default === 'number' ? 'non-negative number' : typeof k.default}: current value is ${JSON.stringify(v)}`);
    }
    if (typeof v === 'number') {
      const lim = UNIT_LIMITS[k.unit] ?? { max: OTHER_MAX, integer: false };
      if (v > lim.max || (lim.integer && !Number.isInteger(v))) {
        throw new InputError('bad_knob', `Knob '${name}' of '${preset.name}' must be ${lim.integer ? 'a whole number ' : ''}from 0 to ${lim.max} ${k.unit}: current value is ${JSON.stringify(v)}`);
      }
    }
    out[name] = v as number | string | boolean;
  }
  return out;
}
