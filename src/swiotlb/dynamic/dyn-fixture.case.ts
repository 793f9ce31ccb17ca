/**
 * Small fixtures shared by the dynamic-swiotlb tests (not a test file itself):
 * a machine plus PolicyEnv, and terse map requests and call contexts.
 *
 * @module
 */
import { createMachine, type Machine } from '../../machine/machine.js';
import type { Device } from '../../machine/device.js';
import { getProfile } from '../profiles.js';
import { DMA_TO_DEVICE, type DmaDirection } from '../constants.js';
import type { CallContext, MapRequest, PolicyEnv } from '../policy.js';

/** Options of {@link makeEnv}. */
export interface FixtureOptions {
  kernel?: string;
  ramBytes?: number;
  poolBytes?: number;
  nareas?: number;
  confidential?: boolean;
}

/**
 * A machine in accounting mode and an environment over it.
 *
 * @param o - Kernel (default 6.12), RAM (2 GiB), boot pool (1 MiB), areas (2), confidentiality.
 * @returns The machine and the environment.
 * @remarks Context: tests only.
 */
export function makeEnv(o: FixtureOptions = {}): { machine: Machine; env: PolicyEnv } {
  const confidential = o.confidential ?? false;
  const machine = createMachine({ ramBytes: o.ramBytes ?? 2 * 1024 ** 3, memory: 'accounting', confidential });
  const nareas = o.nareas ?? 2;
  const env: PolicyEnv = { machine, profile: getProfile(o.kernel ?? '6.12'), cpus: nareas, poolBytes: o.poolBytes ?? 1 << 20, nareas, forceBounce: true, confidential };
  return { machine, env };
}

/**
 * A dma-direct style map request.
 *
 * @param dev - Device.
 * @param orig - Original address.
 * @param size - Bytes.
 * @param dir - Direction (default TO_DEVICE).
 * @returns The request.
 * @remarks Context: tests only.
 */
export function req(dev: Device, orig: number, size: number, dir: DmaDirection = DMA_TO_DEVICE): MapRequest {
  return { dev, orig, size, allocAlignMask: 0, dir, attrs: 0 };
}

/**
 * A call context.
 *
 * @param cpu - CPU.
 * @param now - Simulated time (default 0).
 * @returns The context (atomic: maySleep false).
 * @remarks Context: tests only.
 */
export function at(cpu: number, now = 0): CallContext {
  return { cpu, maySleep: false, now };
}

/** 256 KiB: one full segment (128 slots) when the original is slot aligned. */
export const SEG_BYTES = 128 * 2048;
