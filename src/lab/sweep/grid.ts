/**
 * A sweep's grid: axes of values for config fields (`policy=fixed|growing`,
 * `machine.cpus=2|4`, `workload.knobs.iodepth=8|32`), expanded to points in a
 * fixed order (first axis slowest) so every machine and worker count agrees
 * on what point N is.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';

/** One axis: a config path and its values. */
export interface Axis {
  path: string;
  values: (string | number | boolean)[];
}

/**
 * Parse `path=v1|v2|...` (values: numbers, true/false, or text).
 *
 * @param spec - The axis text.
 * @returns The axis.
 * @throws InputError (code `bad_grid`).
 * @remarks Context: any.
 */
export function parseAxis(spec: string): Axis {
  const m = /^([A-Za-z][\w.]*)=(.*)$/.exec(spec);
  if (!m || m[2] === '') throw new InputError('bad_grid', `Cannot use grid axis '${spec}': expected path=value1|value2 (e.g. policy=fixed|growing)`);
  const values = m[2]!.split('|').map((v) => (v === 'true' ? true : v === 'false' ? false : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v));
  return { path: m[1]!, values };
}

/**
 * Expand axes to points (first axis slowest).
 *
 * @param axes - Axes.
 * @returns Each point as path -> value.
 * @remarks Context: any.
 */
export function expandGrid(axes: readonly Axis[]): Record<string, string | number | boolean>[] {
  let points: Record<string, string | number | boolean>[] = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.path]: v })));
  return points;
}

/**
 * Apply a point's values to a config object (deep paths create objects).
 *
 * @param base - Plain config object (not modified).
 * @param point - path -> value.
 * @returns A new config object.
 * @remarks Context: any.
 */
export function applyPoint(base: Record<string, unknown>, point: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(base);
  for (const [path, v] of Object.entries(point)) {
    const keys = path.split('.');
    let o: Record<string, unknown> = out;
    for (const k of keys.slice(0, -1)) {
      if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[keys[keys.length - 1]!] = v;
  }
  return out;
}

/**
 * Parse `--shard i/n` (1-based i).
 *
 * @param spec - The text.
 * @returns Index and count.
 * @throws InputError (code `bad_shard`).
 * @remarks Context: any.
 */
export function parseShard(spec: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || i < 1 || i > n) throw new InputError('bad_shard', `Cannot use --shard '${spec}': expected i/n with 1 <= i <= n`);
  return { index: i, count: n };
}
