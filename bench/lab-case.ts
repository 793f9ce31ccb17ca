/**
 * The lab's 10-minute NVMe run in its own process (bench/lab.ts runs it this
 * way, so the core and replay cases before it leave no JIT or heap state
 * behind): `node --import tsx/esm bench/lab-case.ts <simulated seconds>`
 * prints `{ requests, wallSeconds }` as JSON.
 *
 * @module
 */
import { tuneJit } from '../src/util/jit.js';
import { nvmeRunConfig } from './lab-config.js';
import { runConfig } from '../src/lab/run.js';

tuneJit();

const seconds = Number(process.argv[2] ?? 600);
const t0 = process.hrtime.bigint();
const r = runConfig(nvmeRunConfig(seconds));
const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
const requests = r.devices.reduce((a, d) => a + (d.requests as number), 0);
process.stdout.write(JSON.stringify({ requests, wallSeconds }));
