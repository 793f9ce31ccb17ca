/**
 * One core bench case in its own process (bench/core.ts runs each this way):
 * `node --import tsx/esm bench/core-case.ts <case> <mode> <poolBytes> <kernel>` prints its row as JSON.
 *
 * @module
 */
import { runCoreCase, type CoreCase } from './core.js';
import { tuneJit } from '../src/util/jit.js';

tuneJit();

const [name, mode, pool, kernel] = process.argv.slice(2);
process.stdout.write(JSON.stringify(runCoreCase(name as CoreCase, mode as 'accounting' | 'bytes', Number(pool), kernel ?? '6.12')));
