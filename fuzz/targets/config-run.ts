/**
 * Run an accepted configuration, made small first so a case takes a few
 * milliseconds: at most 1 ms of simulated time on at most 2 GiB of RAM,
 * numeric knobs at most 4 times their default (2^20 for a default of 0).
 * Not 1 GiB: workloads place their buffers from 1 GiB up, so every run on
 * 1 GiB or less fails the same way (known bug K11); smaller RAM from the
 * config still comes through unchanged. The knob cap keeps memory bounded:
 * `iodepth = 1e308` is accepted and runs out of heap (see the report).
 *
 * @module
 */
import { runConfig } from '../../src/lab/run.js';
import type { RunConfig } from '../../src/lab/run-config.js';
import { workloadPresets } from '../../src/lab/workloads/index.js';
import { classifyError, OK, type Outcome } from '../outcome.js';
import { checkRunResult } from './config-checks.js';

/** Longest simulated time and largest RAM a fuzzed run gets. */
const MAX_DURATION_MS = 1;
const MAX_RAM = 2 * 1024 ** 3;

/** Numeric knobs capped at 4 times their default (2^20 when the default is 0). */
function smallKnobs(name: string, knobs: Record<string, unknown>): Record<string, unknown> {
  const preset = workloadPresets().find((w) => w.name === name);
  const out: Record<string, unknown> = { ...knobs };
  for (const k of preset?.knobs ?? []) {
    const v = out[k.name];
    if (typeof v === 'number' && typeof k.default === 'number') out[k.name] = Math.min(v, k.default > 0 ? 4 * k.default : 2 ** 20);
  }
  return out;
}

/**
 * Run a config for a very short time and check how it ends.
 *
 * @param c - An effective configuration (not changed).
 * @returns OK, a structured error, or a crash or violation (noted `config-run`).
 * @remarks Context: synchronous; a few milliseconds.
 */
export function runSmall(c: RunConfig): Outcome {
  const small: RunConfig = {
    ...c,
    durationMs: Math.min(c.durationMs, MAX_DURATION_MS),
    machine: { ...c.machine, ramBytes: Math.min(c.machine.ramBytes, MAX_RAM) },
    workload: { name: c.workload.name, knobs: smallKnobs(c.workload.name, c.workload.knobs) },
  };
  let o: Outcome;
  try {
    o = checkRunResult(runConfig(small)) ?? OK;
  } catch (e) {
    o = classifyError(e);
  }
  // Names the case if it is slow (a hang is reported as `hang:config-run`).
  return { ...o, note: 'config-run' };
}
