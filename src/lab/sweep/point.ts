/**
 * Run one sweep point (in a worker or inline).
 *
 * @module
 */
import { effectiveConfig } from '../run-config.js';
import { runConfig } from '../run.js';
import { applyPoint } from './grid.js';
import { summarize, type SweepRow } from './summary.js';
import { InputError } from '../../util/errors.js';

/** A point's outcome: its row, or the error that made it unusable. */
export type PointOutcome = { ok: true; row: SweepRow } | { ok: false; error: string };

/**
 * Run a point.
 *
 * @param base - Base config (plain object).
 * @param point - Overrides of this point.
 * @returns The outcome (input errors are data: a sweep goes on).
 * @remarks Context: any thread.
 */
export function runPoint(base: Record<string, unknown>, point: Record<string, unknown>): PointOutcome {
  try {
    return { ok: true, row: summarize(runConfig(effectiveConfig(applyPoint(base, point), 'sweep point'))) };
  } catch (e) {
    if (e instanceof InputError) return { ok: false, error: e.message };
    throw e;
  }
}
