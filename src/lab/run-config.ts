/**
 * A run's configuration: what it is, its defaults, and how a partial config
 * (from a file or flags) becomes the effective one that results carry.
 *
 * @module
 */
import { InputError } from '../util/errors.js';

/** The effective configuration of one run (everything needed to reproduce it). */
export interface RunConfig {
  seed: number;
  kernel: string;
  policy: string;
  policyOptions: Record<string, unknown>;
  /** The machine; `memory: 'bytes'` stores real bytes and checks every transfer's data (slower). */
  machine: { ramBytes: number; cpus: number; confidential: boolean; arch: 'x86' | 'arm64'; cmaMiB: number; memory: 'accounting' | 'bytes' };
  /** Kernel command line words: swiotlb= sizes the boot pool (with the machine), coherent_pool= the atomic DMA pools. */
  cmdline: string;
  workload: { name: string; knobs: Record<string, unknown> };
  durationMs: number;
  sampleMs: number;
  costs: Record<string, number>;
  /** Run DMA-API debugging (dma-debug checks, leak diagnosis). */
  check: boolean;
}

/**
 * Defaults: a 4-CPU 8 GiB x86 confidential VM (all DMA bounces) booted with
 * `swiotlb=4096` (an 8 MiB pool instead of the 6 %-of-RAM 512 MiB) under a
 * burst of 256 KiB I/O on four virtio disks, for 200 ms of simulated time:
 * the case the 2023 and 2024 designs argue about.
 */
export const DEFAULT_RUN: RunConfig = {
  seed: 1,
  kernel: '6.12',
  policy: 'fixed',
  policyOptions: {},
  machine: { ramBytes: 8 * 1024 ** 3, cpus: 4, confidential: true, arch: 'x86', cmaMiB: 0, memory: 'accounting' },
  cmdline: 'swiotlb=4096',
  workload: { name: 'coco-burst', knobs: {} },
  durationMs: 200,
  sampleMs: 1,
  costs: {},
  check: false,
};

/** A plain table (not an array, a date or another class instance). */
function isObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A value as an error message shows it (numbers as written, dates as dates, anything else as JSON). */
function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'an invalid date' : `the date ${v.toISOString()}`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** A finite number, a string or a boolean: a value JSON keeps as it is. */
function isJsonScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/** Whether a value survives JSON unchanged: finite numbers, strings, booleans, and arrays and plain tables of them. */
function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (isJsonScalar(v)) return true;
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  return isObject(v) && Object.values(v).every((x) => isJsonValue(x, depth + 1));
}

/**
 * Merge a partial configuration over the defaults, checking every field.
 *
 * @param partial - Parsed JSON/TOML (unknown shape).
 * @param where - File name for errors.
 * @returns The effective configuration.
 * @throws InputError (code `bad_config`) naming the field and what was expected.
 * @remarks Context: any.
 */
export function effectiveConfig(partial: unknown, where = 'config'): RunConfig {
  if (!isObject(partial)) throw new InputError('bad_config', 'expected an object at the top level', { file: where });
  const bad = (path: string, want: string, v: unknown): never => {
    throw new InputError('bad_config', `${path} must be ${want}: current value is ${shown(v)}`, { file: where });
  };
  const known = new Set(Object.keys(DEFAULT_RUN));
  for (const k of Object.keys(partial)) if (!known.has(k)) bad(k, `one of the known fields (${[...known].join(', ')})`, 'unknown field');
  const c: RunConfig = structuredClone(DEFAULT_RUN);
  const num = (path: string, v: unknown, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(path, `a number from ${min} to ${max}`, v);
    return v as number;
  };
  const p = partial;
  if (p.seed !== undefined) c.seed = num('seed', p.seed, 0, 2 ** 32 - 1);
  if (!Number.isInteger(c.seed)) bad('seed', 'an integer', c.seed);
  if (p.kernel !== undefined) c.kernel = typeof p.kernel === 'string' ? p.kernel : bad('kernel', 'a string', p.kernel);
  if (p.policy !== undefined) c.policy = typeof p.policy === 'string' ? p.policy : bad('policy', 'a string', p.policy);
  if (p.policyOptions !== undefined) {
    c.policyOptions = isObject(p.policyOptions) ? p.policyOptions : bad('policyOptions', 'an object', p.policyOptions);
    for (const [k, v] of Object.entries(c.policyOptions)) if (!isJsonValue(v)) bad(`policyOptions.${k}`, 'a finite number, a string, true or false (or a list or table of them)', v);
  }
  if (p.cmdline !== undefined) c.cmdline = typeof p.cmdline === 'string' ? p.cmdline : bad('cmdline', 'a string', p.cmdline);
  if (p.durationMs !== undefined) c.durationMs = num('durationMs', p.durationMs, 0.001, 86_400_000);
  if (p.sampleMs !== undefined) c.sampleMs = num('sampleMs', p.sampleMs, 0.001, 3_600_000);
  if (p.machine !== undefined) {
    if (!isObject(p.machine)) bad('machine', 'an object', p.machine);
    const m = p.machine as Record<string, unknown>;
    if (m.ramBytes !== undefined) c.machine.ramBytes = num('machine.ramBytes', m.ramBytes, 64 * 1024 * 1024, 2 ** 40);
    if (m.cpus !== undefined) c.machine.cpus = num('machine.cpus', m.cpus, 1, 1024);
    if (m.confidential !== undefined) c.machine.confidential = typeof m.confidential === 'boolean' ? m.confidential : bad('machine.confidential', 'true or false', m.confidential);
    if (m.arch !== undefined) c.machine.arch = m.arch === 'x86' || m.arch === 'arm64' ? m.arch : bad('machine.arch', "'x86' or 'arm64'", m.arch);
    if (m.memory !== undefined) c.machine.memory = m.memory === 'accounting' || m.memory === 'bytes' ? m.memory : bad('machine.memory', "'accounting' or 'bytes'", m.memory);
    if (m.cmaMiB !== undefined) {
      c.machine.cmaMiB = num('machine.cmaMiB', m.cmaMiB, 0, 65536);
      if (c.machine.cmaMiB % 4 !== 0) bad('machine.cmaMiB', 'a multiple of 4', m.cmaMiB);
    }
  }
  if (p.workload !== undefined) {
    if (!isObject(p.workload)) bad('workload', 'an object', p.workload);
    const w = p.workload as Record<string, unknown>;
    if (typeof w.name !== 'string') bad('workload.name', 'a string', w.name);
    c.workload = { name: w.name as string, knobs: isObject(w.knobs) ? w.knobs : w.knobs === undefined ? {} : bad('workload.knobs', 'an object', w.knobs) };
    for (const [k, v] of Object.entries(c.workload.knobs)) {
      if (!isJsonScalar(v)) bad(`workload.knobs.${k}`, 'a finite number, a string, true or false', v);
    }
  }
  if (p.check !== undefined) c.check = typeof p.check === 'boolean' ? p.check : bad('check', 'true or false', p.check);
  if (p.costs !== undefined) {
    if (!isObject(p.costs)) bad('costs', 'an object', p.costs);
    c.costs = p.costs as Record<string, number>;
    for (const [k, v] of Object.entries(c.costs)) if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`costs.${k}`, 'a finite number of nanoseconds, 0 or more', v);
  }
  if (!Number.isInteger(c.machine.cpus)) bad('machine.cpus', 'an integer', c.machine.cpus);
  return c;
}
