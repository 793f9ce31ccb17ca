/**
 * Checks on a configuration that was accepted: it is JSON, and the effective
 * config reproduces itself (`effectiveConfig(JSON.parse(JSON.stringify(c)))`
 * gives the same config, as a run's result must when it is re-run); and on a
 * run of it: the result is one JSON document with finite totals.
 *
 * @module
 */
import { effectiveConfig, type RunConfig } from '../../src/lab/run-config.js';
import type { RunResult } from '../../src/lab/run.js';
import { violation, type Outcome } from '../outcome.js';

/** A value's type as the contract cares about it (a Date or NaN is not what JSON gives back). */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (v instanceof Date) return 'Date';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return typeof v;
}

/**
 * The first place two values differ (numbers by ===, so -0 equals 0; objects by own keys, prototypes ignored).
 *
 * @returns `[path, "<type> -> <type>"]`, or null when they are equal.
 */
function firstDifference(a: unknown, b: unknown, path: string): [string, string] | null {
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return [path, `${ta} -> ${tb}`];
  if (ta !== 'object' && ta !== 'array') return a === b ? null : [path, `${ta} value`];
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length || ka.some((k) => !Object.hasOwn(b as object, k))) return [path, 'keys'];
  for (const k of ka) {
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}

/**
 * Check that an effective configuration reproduces itself through JSON.
 *
 * @param c - effectiveConfig()'s result.
 * @returns A violation, or null.
 * @remarks Context: any.
 */
export function checkReproduces(c: RunConfig): Outcome | null {
  let json: string;
  try {
    json = JSON.stringify(c);
  } catch (e) {
    return violation(`config_not_json: ${(e as Error).constructor.name}`, (e as Error).message);
  }
  let again: RunConfig;
  try {
    again = effectiveConfig(JSON.parse(json), 'roundtrip');
  } catch (e) {
    return violation('config_roundtrip_rejected', (e as Error).message);
  }
  const d = firstDifference(c, again, '');
  if (d === null) return null;
  // The type change makes the signature (NaN and ±Infinity are one); the path is in the detail.
  const change = d[1].replace(/^(-?Infinity|NaN) -> null$/, 'non-finite number -> null');
  return violation(`config_not_reproducible: ${change}`, `${d[0]}: ${d[1]} after JSON (${json.slice(0, 200)})`);
}

/**
 * Check a run's result.
 *
 * @param r - runConfig()'s result.
 * @returns A violation, or null.
 * @remarks Context: any.
 */
export function checkRunResult(r: RunResult): Outcome | null {
  for (const k of ['estimatedCpuNs', 'simulatedNs', 'events'] as const) {
    if (!Number.isFinite(r[k]) || r[k] < 0) return violation('run_total', `${k} = ${r[k]}`);
  }
  try {
    JSON.parse(JSON.stringify(r));
  } catch (e) {
    return violation('run_result_not_json', (e as Error).message);
  }
  return null;
}
