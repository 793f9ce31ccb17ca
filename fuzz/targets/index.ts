/**
 * Every fuzz target, by name.
 *
 * @module
 */
import type { Target, TargetName } from '../target.js';
import { cliTarget } from './cli.js';
import { configTarget } from './config.js';
import { dmesgTarget } from './dmesg.js';
import { paramsTarget } from './params.js';
import { replayTarget } from './replay.js';
import { traceTarget } from './trace.js';

/** The targets by name (each typed by its own input; the harness treats inputs as opaque). */
export const TARGETS: Readonly<Record<TargetName, Target<unknown>>> = {
  params: paramsTarget as Target<unknown>,
  trace: traceTarget as Target<unknown>,
  replay: replayTarget as Target<unknown>,
  cli: cliTarget as Target<unknown>,
  config: configTarget as Target<unknown>,
  dmesg: dmesgTarget as Target<unknown>,
};
