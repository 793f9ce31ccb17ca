/**
 * `swiotlb-lab replay [trace...]`: replay kernel traces against the model.
 * With no trace, replays the bundled oracle captures of a real 6.1 kernel.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { replayTraceFile } from '../lab/replay/replay-file.js';
import { formatReplay, formatReplaySummary } from '../lab/replay/replay-format.js';
import { renderReplayReport } from '../lab/report/replay-report.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { PROFILES } from '../swiotlb/profiles.js';
import { InputError } from '../util/errors.js';
import { parseIntOption, parsePositiveIntOption } from './options.js';
import { ExitCode } from './exit-code.js';
import { simulationProgress } from './progress.js';
import type { ReplayResult } from '../lab/replay/replay-types.js';
import type { DmaReplayDevice } from '../lab/replay/dma-replay.js';
import { parseMask } from '../machine/mask.js';

/**
 * Parse one --device spec into the map of device parameters.
 *
 * @param spec - `NAME,key=value,...`.
 * @param acc - Map to add to.
 * @returns acc.
 * @throws InputError (code `bad_option`) for unknown keys or bad masks.
 * @remarks Context: any.
 */
export function parseDeviceSpec(spec: string, acc: Map<string, DmaReplayDevice>): Map<string, DmaReplayDevice> {
  const [name, ...pairs] = spec.split(',');
  if (name === undefined || name === '') throw new InputError('bad_option', `Cannot use --device '${spec}': expected 'NAME,min_align_mask=0xfff'`);
  const d: DmaReplayDevice = {};
  for (const p of pairs) {
    const [k, v] = p.split('=');
    if (v === undefined) throw new InputError('bad_option', `Cannot use --device '${spec}': '${p}' is not key=value`);
    if (k === 'min_align_mask') d.minAlignMask = parseMask(v, 'min_align_mask');
    else if (k === 'segment_boundary_mask') d.segmentBoundaryMask = parseMask(v, 'segment_boundary_mask');
    else throw new InputError('bad_option', `Cannot use --device '${spec}': unknown key '${k}' (expected min_align_mask or segment_boundary_mask)`);
  }
  acc.set(name, d);
  return acc;
}

/** Directory of the bundled oracle captures. */
export const BUILTIN_TRACES = fileURLToPath(new URL('../../test/fixtures/oracle/', import.meta.url));

/**
 * The bundled oracle traces, by capture name.
 *
 * @returns Paths of every bundled trace, sorted by name.
 * @remarks Context: process context.
 */
export function builtinTraces(): string[] {
  if (!existsSync(BUILTIN_TRACES)) return [];
  return readdirSync(BUILTIN_TRACES)
    .sort()
    .map((d) => join(BUILTIN_TRACES, d, 'trace.txt.gz'))
    .filter((p) => existsSync(p));
}

/**
 * Add the replay command to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('replay kernel DMA traces (ftrace text, plain or gzip) against the model and compare every decision; with no trace, the bundled Linux 6.1 oracle captures')
    .argument('[traces...]', 'trace files (trace or trace-cmd report text, plain or .gz)')
    .addOption(new Option('--kernel <version>', 'kernel profile').choices([...PROFILES.keys()]).default('6.1'))
    .option('--json', 'print one JSON document')
    .option('--report <file>', 'also write a self-contained HTML report')
    .option('--lenient', 'count and skip malformed lines instead of failing')
    .option('--scan', 'use the slot-by-slot reference search instead of the fast one')
    .option('--check', 'DMA-API debugging of the trace: unmaps of unmapped addresses, size/direction mismatches, syncs outside mappings, leaks')
    .option('--pool-start <addr>', 'pool start when the trace has no pool line', (v) => parseIntOption(v, '--pool-start'))
    .option('--nslabs <n>', 'pool slots when the trace has no pool line', (v) => parsePositiveIntOption(v, '--nslabs'))
    .option('--nareas <n>', 'pool areas when the trace has no pool line', (v) => parsePositiveIntOption(v, '--nareas'))
    .option(
      '--device <spec>',
      "device parameters a dma:* trace does not print: 'NAME,min_align_mask=0xfff[,segment_boundary_mask=0xffffffff]' (repeatable; without it a min_align_mask is read off the kernel's bounce addresses when they show one)",
      (v, acc: Map<string, DmaReplayDevice>) => parseDeviceSpec(v, acc),
      new Map<string, DmaReplayDevice>(),
    )
    .action(async (traces: string[], o: { kernel: string; json?: boolean; report?: string; lenient?: boolean; scan?: boolean; check?: boolean; poolStart?: number; nslabs?: number; nareas?: number; device: Map<string, DmaReplayDevice> }) => {
      const files = traces.length > 0 ? traces : builtinTraces();
      if (files.length === 0) throw new InputError('no_trace', 'No trace given and no bundled traces found');
      for (const f of files) {
        if (!existsSync(f)) throw new InputError('no_file', `Cannot read trace '${f}': no such file`);
        if (!statSync(f).isFile()) throw new InputError('not_a_file', `Cannot read trace '${f}': it is not a regular file`);
      }
      const pool =
        o.poolStart !== undefined || o.nslabs !== undefined
          ? { start: o.poolStart ?? 0, nslabs: o.nslabs ?? 32768, nareas: o.nareas ?? 1 }
          : undefined;
      const results: ReplayResult[] = [];
      const progress = simulationProgress();
      for (const f of files) {
        const onProgress = progress.reading(basename(f), statSync(f).size);
        results.push(
          await replayTraceFile(f, {
            kernel: o.kernel,
            lenient: o.lenient ?? false,
            searchImpl: o.scan === true ? 'scan' : 'fast',
            check: o.check === true,
            devices: o.device,
            ...(pool ? { pool } : {}),
            ...(onProgress ? { onProgress } : {}),
          }),
        );
      }
      progress.done();
      if (o.report !== undefined) writeFileAtomic(o.report, [await renderReplayReport(results)]);
      if (o.json === true) process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : { schemaVersion: 1, traces: results }, null, 2)}\n`);
      else process.stdout.write(results.length === 1 ? formatReplay(results[0]!) : formatReplaySummary(results));
      if (results.some((r) => r.mismatched > 0)) throw new ExitCode(1);
    });
}
