/**
 * Run configurations as values, every field right: the names the lab knows
 * (kernels, policies and their options, workloads and their knobs, costs)
 * with values from the documented ranges, their edges included.
 *
 * @module
 */
import { DEFAULT_COSTS } from '../../src/lab/cost/cost-model.js';
import { policyEntries } from '../../src/lab/policy-registry.js';
import { workloadPresets } from '../../src/lab/workloads/index.js';
import { PROFILES } from '../../src/swiotlb/profiles.js';
import type { Rng } from '../rng.js';
import { kernelCmdline } from './cmdline.js';

/** The names a config can use, read from src/ so new ones are fuzzed too. */
export interface ConfigVocabulary {
  readonly kernels: readonly string[];
  readonly policies: readonly string[];
  readonly workloads: readonly { readonly name: string; readonly knobs: readonly { readonly name: string; readonly default: number | string | boolean }[] }[];
  readonly costs: readonly string[];
}

/** Policy options the designs read (src/swiotlb/policies/<name>/), with plausible values. */
const POLICY_OPTIONS: Readonly<Record<string, (rng: Rng) => unknown>> = {
  dynamic: (rng) => rng.bool(),
  restricted: (rng) => rng.bool(0.2),
  lookup: (rng) => rng.pick(['mru-list', 'tree', 'per-device-pools']),
  tree: (rng) => ({ perDevice: rng.bool() }),
  canGrow: (rng) => rng.bool(),
  workerLatencyNs: (rng) => rng.pick([0, 1000, 1e6, 5e6]),
  growthCap: (rng) => rng.pick([0.01, 0.1, 0.5, 1]),
  physLimit: (rng) => rng.pick([2 ** 32 - 1, 2 ** 30 - 1, 2 ** 36 - 1]),
  highBytes: (rng) => rng.pick([0, 2 ** 20, 2 ** 26]),
  highPercent: (rng) => rng.range(0, 100),
  lowPercent: (rng) => rng.range(0, 100),
  batchPages: (rng) => rng.pick([1, 16, 64, 256]),
  decayNs: (rng) => rng.pick([1e6, 1e9, 3e10]),
  periodNs: (rng) => rng.pick([1e6, 1e9, 3e10]),
  maxMappingBytes: (rng) => rng.pick([4096, 2 ** 18, 2 ** 26]),
  placement: (rng) => rng.pick(['scatter', 'contiguous']),
};

/** Option names, for the edits (wrong values under a known name). */
export const POLICY_OPTION_NAMES: readonly string[] = Object.keys(POLICY_OPTIONS);

/**
 * Read the vocabulary from src/.
 *
 * @returns Kernel profiles, policies, workload presets with their knobs, cost names.
 * @remarks Context: any.
 */
export function configVocabulary(): ConfigVocabulary {
  return {
    kernels: [...PROFILES.keys()],
    policies: policyEntries().map((p) => p.name),
    workloads: workloadPresets().map((w) => ({ name: w.name, knobs: w.knobs.map((k) => ({ name: k.name, default: k.default })) })),
    costs: Object.keys(DEFAULT_COSTS),
  };
}

/** A knob value of the knob's own type, near its default (0 and 1 included). */
function knobValue(rng: Rng, d: number | string | boolean): number | string | boolean {
  if (typeof d === 'boolean') return rng.bool();
  if (typeof d === 'string') return rng.pick([d, '', '/no/such/trace.txt']);
  return rng.weighted([[4, d], [2, Math.round(d * rng.pick([0.5, 2, 4]))], [1, rng.pick([0, 1])], [1, d * rng.pick([0.1, 0.25, 1.5])]]);
}

/** Some entries of a record, each drawn on its own. */
function some<T>(rng: Rng, names: readonly string[], value: (name: string) => T, p: number): Record<string, T> {
  return Object.fromEntries(names.filter(() => rng.bool(p)).map((n) => [n, value(n)]));
}

/**
 * A configuration with every field right: all of them present, or each present or not.
 *
 * @param rng - Case PRNG.
 * @param v - The vocabulary.
 * @returns A plain object, as a parser would give it.
 * @remarks Context: any.
 */
export function validConfig(rng: Rng, v: ConfigVocabulary): Record<string, unknown> {
  const w = rng.pick(v.workloads);
  // A quarter of the configs have every field (and every machine field); the rest about half of them.
  const p = rng.bool(0.25) ? 1 : 0.55;
  const all: Record<string, () => unknown> = {
    seed: () => rng.weighted([[4, rng.int(1000)], [2, rng.int(2 ** 32)], [1, rng.pick([0, 2 ** 32 - 1])]]),
    kernel: () => rng.pick(v.kernels),
    policy: () => rng.pick(v.policies),
    policyOptions: () => some(rng, POLICY_OPTION_NAMES, (n) => POLICY_OPTIONS[n]!(rng), 0.1),
    machine: () => some(rng, ['ramBytes', 'cpus', 'confidential', 'arch', 'cmaMiB', 'memory'], (n) => ({
      ramBytes: () => rng.pick([2 ** 26, 2 ** 29, 2 ** 30, 2 ** 31, 2 ** 32, 2 ** 33, 2 ** 40, rng.range(2 ** 26, 2 ** 34)]),
      cpus: () => rng.weighted([[6, rng.range(1, 16)], [1, rng.range(17, 1024)], [1, rng.pick([1, 1024])]]),
      confidential: () => rng.bool(),
      arch: () => rng.pick(['x86', 'arm64']),
      cmaMiB: () => rng.pick([0, 0, 4, 64, 256, 65536, 4 * rng.int(1024)]),
      memory: () => rng.weighted([[5, 'accounting'], [1, 'bytes']]),
    })[n]!(), p === 1 ? 1 : 0.6),
    cmdline: () => (rng.bool(0.6) ? rng.pick(['swiotlb=force', 'swiotlb=4096', 'swiotlb=65536,4,force', 'swiotlb=noforce', '', 'quiet swiotlb=2048,force']) : kernelCmdline(rng)),
    workload: () => ({ name: w.name, ...(rng.bool(0.6) ? { knobs: some(rng, w.knobs.map((k) => k.name), (n) => knobValue(rng, w.knobs.find((k) => k.name === n)!.default), 0.3) } : {}) }),
    durationMs: () => rng.pick([0.001, 0.5, 1, 200, 1000, 86_400_000, rng.range(1, 5000)]),
    sampleMs: () => rng.pick([0.001, 0.1, 1, 10, 3_600_000]),
    costs: () => some(rng, v.costs, () => rng.pick([0, 0.05, 1, 20, 250, 1e6]), 0.15),
    check: () => rng.bool(),
  };
  return Object.fromEntries(Object.entries(all).filter(() => rng.bool(p)).map(([k, make]) => [k, make()]));
}
