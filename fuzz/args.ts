/**
 * Options of `npm run fuzz`, and how many inputs each target gets.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { TARGET_NAMES, type TargetName } from './target.js';

/** Parsed options. */
export interface FuzzArgs {
  /** Targets to run, in order. */
  readonly targets: readonly TargetName[];
  /** Inputs per target. */
  readonly inputs: Readonly<Partial<Record<TargetName, number>>>;
  readonly seed: number;
  readonly json: boolean;
  /** Run only this case (with `--target`) and print it. */
  readonly caseIndex: number | null;
  readonly slowMs: number;
  readonly hardMs: number;
}

/** Share of `--inputs` per target for `--target all`: mostly cheap line-level cases (a config or dmesg case costs 0.3-0.7 ms, a trace line 0.1 ms). */
const SHARE: Readonly<Record<TargetName, number>> = { params: 0.33, trace: 0.6, replay: 0.02, cli: 0.01, config: 0.025, dmesg: 0.015 };
/** Default inputs for `all`, and for one target alone. */
const DEFAULT_ALL = 1_000_000;
const DEFAULT_ONE: Readonly<Record<TargetName, number>> = { params: 330_000, trace: 600_000, replay: 20_000, cli: 10_000, config: 25_000, dmesg: 15_000 };

/**
 * Split a total over targets by their share (at least one input each).
 *
 * @param total - Inputs in all.
 * @param targets - The targets.
 * @returns Inputs per target, summing to total (or more when total is tiny).
 * @remarks Context: any.
 */
export function splitInputs(total: number, targets: readonly TargetName[]): Partial<Record<TargetName, number>> {
  const share = targets.reduce((s, t) => s + SHARE[t], 0);
  const out: Partial<Record<TargetName, number>> = {};
  let left = total;
  targets.forEach((t, i) => {
    const n = i === targets.length - 1 ? Math.max(1, left) : Math.max(1, Math.round((total * SHARE[t]) / share));
    out[t] = n;
    left -= n;
  });
  return out;
}

function int(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new Error(`${flag} must be a non-negative integer, got '${text}'`);
  return n;
}

/**
 * Parse the command line.
 *
 * @param argv - Arguments after the script.
 * @returns The options.
 * @throws Error on a bad option (the caller prints it and exits 2).
 * @remarks Context: process context.
 */
export function parseFuzzArgs(argv: string[]): FuzzArgs {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'), // `npm run fuzz -- --inputs 9 -- --seed 2` passes the inner `--` on
    options: {
      inputs: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string' }, json: { type: 'boolean' },
      case: { type: 'string' }, 'slow-ms': { type: 'string' }, 'hard-ms': { type: 'string' },
    },
    strict: true,
  });
  const which = values.target ?? 'all';
  if (which !== 'all' && !(TARGET_NAMES as readonly string[]).includes(which)) throw new Error(`--target must be one of ${TARGET_NAMES.join(', ')} or all, got '${which}'`);
  const targets = which === 'all' ? TARGET_NAMES : [which as TargetName];
  const caseIndex = values.case === undefined ? null : int(values.case, '--case', 0);
  if (caseIndex !== null && which === 'all') throw new Error('--case needs --target');
  const inputs = values.inputs !== undefined
    ? (which === 'all' ? splitInputs(int(values.inputs, '--inputs', 0), targets) : { [targets[0]!]: int(values.inputs, '--inputs', 0) })
    : (which === 'all' ? splitInputs(DEFAULT_ALL, targets) : { [targets[0]!]: DEFAULT_ONE[targets[0]!] });
  return {
    targets,
    inputs,
    seed: int(values.seed, '--seed', 1),
    json: values.json === true,
    caseIndex,
    slowMs: int(values['slow-ms'], '--slow-ms', 1000),
    hardMs: int(values['hard-ms'], '--hard-ms', 20_000),
  };
}
