/**
 * Options of the `reuse-pool` policy, their defaults (the Hyper-V RFC's
 * numbers) and their validation.
 *
 * @module
 */
import type { Device } from '../../../machine/device.js';
import { InputError } from '../../../util/errors.js';
import type { PolicyEnv } from '../../policy.js';

/** What a caller may set; everything has a default. */
export interface ReusePoolOptions {
  /** Pages allocated per miss and shared per hypercall (HV_MIN_BOUNCE_BUFFER_PAGES); default 64. */
  batchPages?: number;
  /** Idle time after which a cached page may be freed (BP_MIN_TIME_IN_FREE_LIST); default 30 s. */
  decayNs?: number;
  /** Period of the trimming job (BP_LIST_MAINTENANCE_FREQ), from time 0; default 30 s. */
  periodNs?: number;
  /**
   * Bytes each device keeps whatever their idleness (its driver's reserve, allocated when the policy
   * first sees the device, as at probe); default 0 for every device.
   */
  reserveBytes?: (dev: Device) => number;
  /** Largest mapping; default 64 MiB (a 4K frame of 34 MiB fits). */
  maxMappingBytes?: number;
  /**
   * `scatter` (default, the design): a mapping takes the most recently freed pages, wherever they are.
   * `contiguous`: a mapping takes a physically contiguous run of pages (for harnesses that
   * treat a bounce buffer as one contiguous range; see the policy's tests).
   */
  placement?: 'scatter' | 'contiguous';
}

/** Options resolved, plus what the environment says. */
export interface ReusePoolConfig extends Required<ReusePoolOptions> {
  /** A confidential VM: atomic callers cannot share new pages. */
  confidential: boolean;
}

const SECOND = 1e9;

function positive(name: string, v: number, integer: boolean): number {
  if (!(v > 0) || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new InputError('bad_reuse_pool', `Cannot use reuse-pool option ${name} = ${v}: expected a positive ${integer ? 'integer' : 'number'}`);
  }
  return v;
}

/**
 * Resolve and check options.
 *
 * @param env - Environment (confidentiality).
 * @param o - Options.
 * @returns The configuration.
 * @throws InputError (code `bad_reuse_pool`) for a non-positive size or time.
 * @remarks Context: any.
 */
export function resolveReusePoolOptions(env: PolicyEnv, o: ReusePoolOptions = {}): ReusePoolConfig {
  return {
    batchPages: positive('batchPages', o.batchPages ?? 64, true),
    decayNs: positive('decayNs', o.decayNs ?? 30 * SECOND, false),
    periodNs: positive('periodNs', o.periodNs ?? 30 * SECOND, false),
    reserveBytes: o.reserveBytes ?? (() => 0),
    maxMappingBytes: positive('maxMappingBytes', o.maxMappingBytes ?? 64 * 1024 * 1024, true),
    placement: o.placement ?? 'scatter',
    confidential: env.confidential,
  };
}
