/**
 * What a replay is given (options) and what it may find out half-way and
 * need to be given before it can go on (errors carrying what to do next:
 * replayTraceFile() catches them and replays again), and the replay's
 * fixed limits.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';
import type { DmaReplayDevice } from './dma-replay.js';
import type { InitialMapping } from './initial-state.js';

/** Options of the replay engine (ReplayEngine). */
export interface ReplayEngineOptions {
  /** Kernel profile name; default `6.1`. */
  kernel?: string;
  /** Pool geometry when the trace has no `pool:` line. */
  pool?: { start: number; nslabs: number; nareas: number; force?: boolean };
  /** Search implementation; default fast. */
  searchImpl?: 'fast' | 'scan';
  /** Count and skip events that match no pending call instead of failing. */
  lenient?: boolean;
  /** Run DMA-API debugging on the trace's calls. */
  check?: boolean;
  /** min_align_mask / boundary per device name, for dma:* traces (they do not print them). */
  devices?: ReadonlyMap<string, DmaReplayDevice>;
  /** Mappings live before the trace starts (scanInitialMappings()); needed when the first pool line shows slots in use. */
  initialMappings?: readonly InitialMapping[];
  /** Maps in flight at the first pool line (scanTraceStart()): line of the entry → the kernel's result. */
  inFlightMaps?: ReadonlyMap<number, number>;
  /** Unmaps entered before the first pool line whose in-lock release comes after it (scanTraceStart()). */
  inFlightUnmaps?: ReadonlySet<number>;
  /**
   * The capture says it lost events (kprobe misses, ring-buffer losses): when the kernel gives out slots the model
   * still holds, release the mappings holding them (their unmaps were lost) and follow the kernel (default false;
   * replayTraceFile() sets it from the capture's side file).
   */
  releaseMissedUnmaps?: boolean;
  /**
   * A dma:* trace: read devices' min_align_mask off the kernel's bounce addresses when --device does not give it
   * (default true; flush() then throws NeedsDeviceParams, and replayTraceFile() replays again with them).
   */
  inferDevices?: boolean;
  /**
   * A dma:* trace with no pool line: replay its maps one by one on the given or default pool instead of as an
   * entry capture (replayTraceFile() passes it after NeedsPoolForDmaEvents).
   */
  dmaWithoutPoolLine?: boolean;
  /**
   * Entry captures: events held back so that a map's decision sees the returns of maps pending with it
   * (default 0; then call flush() at the end of the trace all the same).
   */
  lookahead?: number;
}

/**
 * Thrown when the first pool line shows slots in use and no initial mappings
 * were given: scan the trace for them (scanInitialMappings()) and replay
 * again with them, as replayTraceFile() does.
 */
export class NeedsInitialMappings extends InputError {
  /**
   * @param file - The trace.
   * @param line - Its first pool line.
   * @param used - Slots in use there.
   */
  constructor(file: string, line: number, used: number) {
    super(
      'busy_pool_start',
      `The trace starts with ${used} slots in use (its first pool line): the replay needs the mappings live then, which scanInitialMappings() finds in the trace (replayTraceFile() does this itself); give them as the initialMappings option`,
      { file, line },
    );
  }
}

/**
 * Thrown at the end of a dma:* trace that has no pool line and no pool
 * geometry was given: replay it again with dmaWithoutPoolLine, which maps
 * each bounced buffer on the default pool (addresses then not compared).
 */
export class NeedsPoolForDmaEvents extends InputError {
  /**
   * @param file - The trace.
   */
  constructor(file: string) {
    super('dma_no_pool_line', 'The dma:* trace has no `pool:` line', { file });
  }
}

/**
 * Thrown at the end of a dma:* trace whose bounce addresses show devices
 * with a min_align_mask that --device did not give (see align-evidence.ts):
 * replay again with them.
 */
export class NeedsDeviceParams extends InputError {
  /** Device name → the mask its bounce addresses show, and how many of them sat inside a slot. */
  readonly inferred: ReadonlyMap<string, { mask: number; inSlot: number }>;

  /**
   * @param file - The trace.
   * @param inferred - What the evidence shows.
   */
  constructor(file: string, inferred: ReadonlyMap<string, { mask: number; inSlot: number }>) {
    super('dma_device_params', `The dma:* trace shows devices with a min_align_mask: ${[...inferred.keys()].join(', ')}`, { file });
    this.inferred = inferred;
  }
}


/** Largest pool a trace may ask the replay to model (2^24 slots, 32 GiB): the slot arrays are allocated up front. */
export const MAX_REPLAY_SLABS = 2 ** 24;

/** Where a dma:* trace's pool goes when its placement is unknown (addresses are then not compared). */
export const DEFAULT_REPLAY_POOL = { start: 0x7c000000, nslabs: 32768, nareas: 1 };
