/**
 * Edits that make a run configuration wrong, or right on the edge: numbers
 * at and past their documented bounds, huge, fractional or not numbers at
 * all; values of the wrong type; overlong strings; unknown fields; unknown or
 * ill-typed knobs, costs and policy options; dates; deep nesting; a top level
 * that is not a table.
 *
 * @module
 */
import type { Rng } from '../rng.js';
import { POLICY_OPTION_NAMES, type ConfigVocabulary } from './config-values.js';
import { overlong, randomText } from './strings.js';

/** Numeric fields and their bounds (src/lab/run-config.ts). */
const NUMBERS: Readonly<Record<string, readonly [number, number]>> = {
  seed: [0, 2 ** 32 - 1], durationMs: [0.001, 86_400_000], sampleMs: [0.001, 3_600_000],
  'machine.ramBytes': [2 ** 26, 2 ** 40], 'machine.cpus': [1, 1024], 'machine.cmaMiB': [0, 65536],
};
const STRINGS = ['kernel', 'policy', 'cmdline', 'workload.name', 'machine.arch', 'machine.memory'];
const BOOLEANS = ['check', 'machine.confidential'];
const OBJECTS = ['policyOptions', 'machine', 'workload', 'workload.knobs', 'costs'];
const FIELDS = [...Object.keys(NUMBERS), ...STRINGS, ...BOOLEANS, ...OBJECTS];
/** Names that are not fields, some of them close to one, some special to JavaScript. */
const UNKNOWN = ['seeds', 'Seed', 'kernal', 'machine.cpus', 'ramBytes', 'knobs', 'name', '__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', '', ' ', 'é', 'durationMS', 'valueOf'];
/** Values of every type. */
const ANY: readonly unknown[] = ['', '4', 'true', 'x86', true, false, null, [], [1], ['a', 1], {}, { a: 1 }, 0, -1, 1.5];

/** A number on or past the edge of [lo, hi], or far outside it. */
function edgeNumber(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return rng.pick([lo, hi, lo - 1e-9, lo - 1, hi + 1, hi * 2, 0, -0, -1, 0.5, 1.5, lo + 0.5, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e308, Number.MIN_VALUE, NaN, Infinity, -Infinity]);
}

/** Set a dotted path, creating tables on the way (a non-table on the way is replaced). */
function setPath(c: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = c;
  for (const k of keys.slice(0, -1)) {
    const next = o[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]!] = value;
}

/** A value nested `depth` arrays or tables deep. */
function nested(rng: Rng, depth: number): unknown {
  const arrays = rng.bool();
  let v: unknown = rng.pick([1, 'x', true]);
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
}

/**
 * Apply one edit.
 *
 * @param rng - Case PRNG.
 * @param c - The config (changed in place, unless the edit replaces it).
 * @param v - The vocabulary (knob and cost names).
 * @returns The config (a new value when the top level is replaced) and the edit's name.
 * @remarks Context: any.
 */
export function editConfig(rng: Rng, c: Record<string, unknown>, v: ConfigVocabulary): { config: unknown; op: string } {
  const op = rng.weighted([[5, 'edge-number'], [4, 'wrong-type'], [1, 'long-string'], [2, 'unknown-field'], [2, 'knob'], [1, 'cost'], [2, 'policy-option'], [1, 'no-name'], [1, 'date'], [0.5, 'deep'], [0.3, 'top-level']]);
  const knobs = v.workloads.flatMap((w) => w.knobs.map((k) => k.name));
  switch (op) {
    case 'edge-number': {
      const f = rng.pick(Object.keys(NUMBERS));
      setPath(c, f, edgeNumber(rng, NUMBERS[f]!));
      break;
    }
    case 'wrong-type': setPath(c, rng.pick(FIELDS), rng.pick(ANY)); break;
    case 'long-string': setPath(c, rng.pick(STRINGS), overlong(rng.pick(['x', 'swiotlb=force ', 'é', '\0', '😀']), rng.weighted([[6, 1000], [3, 65536], [0.3, 1 << 20]]))); break;
    case 'unknown-field': setPath(c, `${rng.pick(['', 'machine.', 'workload.', 'policyOptions.', 'costs.'])}${rng.pick(UNKNOWN)}`, rng.pick(ANY)); break;
    case 'knob': setPath(c, `workload.knobs.${rng.bool(0.8) ? rng.pick(knobs) : randomText(rng, 8)}`, rng.pick([...ANY, -1, NaN, Infinity, 1e308, 2 ** 53, 0.1])); break;
    case 'cost': setPath(c, `costs.${rng.bool(0.8) ? rng.pick(v.costs) : randomText(rng, 8)}`, rng.pick([...ANY, -1, NaN, Infinity, 1e308])); break;
    case 'policy-option': setPath(c, `policyOptions.${rng.pick(POLICY_OPTION_NAMES)}`, rng.pick([...ANY, -1, 0, 101, NaN, Infinity, 1e308, 2 ** 53, 'tree', 'scatter'])); break;
    case 'no-name': setPath(c, 'workload', { knobs: {} }); break;
    case 'date': setPath(c, rng.pick(['policyOptions.at', 'workload.knobs.bs', 'costs.lockNs', 'seed', 'kernel', 'machine.cpus']), new Date(rng.pick([0, 296_646_720_000, -1e12]))); break;
    case 'deep': setPath(c, rng.pick(['policyOptions.x', 'workload.knobs.x', 'costs.x', 'machine']), nested(rng, rng.weighted([[3, 2], [3, 10], [2, 100], [1, 1000], [0.5, 2000]]))); break;
    default: return { config: rng.pick<unknown>([[], [c], 1, 'x', null, true]), op };
  }
  return { config: c, op };
}
