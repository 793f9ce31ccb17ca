/**
 * `swiotlb-lab run`, `compare`, `workloads` and `costs`.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { effectiveConfig, DEFAULT_RUN, type RunConfig } from '../lab/run-config.js';
import { loadConfigFile } from '../lab/config-file.js';
import { runConfig, type RunResult } from '../lab/run.js';
import { formatCompare } from '../lab/compare-format.js';
import { formatSize, sizePool } from '../lab/size.js';
import { PerfettoRecorder } from '../lab/engine/perfetto.js';
import { renderReport } from '../lab/report/report.js';
import { renderSizeReport } from '../lab/report/size-report.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { policyEntries } from '../lab/policy-registry.js';
import { workloadPresets } from '../lab/workloads/index.js';
import { DEFAULT_COSTS } from '../lab/cost/cost-model.js';
import { PROFILES } from '../swiotlb/profiles.js';
import { parseIntOption, parsePositiveIntOption } from './options.js';
import { parseSize } from './size-option.js';
import { simulationProgress } from './progress.js';
import { InputError } from '../util/errors.js';

interface LabFlags {
  config?: string;
  kernel?: string;
  cpus?: number;
  ram?: number;
  confidential?: boolean;
  cmdline?: string;
  cma?: number;
  duration?: number;
  seed?: number;
  set: Record<string, unknown>;
  check?: boolean;
  memory?: 'accounting' | 'bytes';
  json?: boolean;
}

function parseKnob(v: string, acc: Record<string, unknown>): Record<string, unknown> {
  const m = /^([A-Za-z][\w]*)=(.*)$/.exec(v);
  if (!m) throw new InputError('bad_option', `Cannot use --set '${v}': expected name=value`);
  const raw = m[2]!;
  acc[m[1]!] = raw === 'true' ? true : raw === 'false' ? false : /^(0x[0-9a-fA-F]+|\d+(\.\d+)?)$/.test(raw) ? Number(raw) : raw;
  return acc;
}

function withLabOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'run configuration (JSON or TOML); flags override it')
    .addOption(new Option('--kernel <version>', 'kernel profile').choices([...PROFILES.keys()]))
    .option('--cpus <n>', 'CPUs', (v) => parsePositiveIntOption(v, '--cpus'))
    .option('--ram <size>', 'RAM, e.g. 8G', (v) => parseSize(v, '--ram'))
    .option('--confidential', 'a confidential VM: all DMA bounces, 6 % of RAM pool, shared-memory hypercalls (the default)')
    .option('--no-confidential', 'an ordinary machine (bouncing only where swiotlb=force or a DMA mask asks for it)')
    .option('--cmdline <words>', "kernel command line words: swiotlb= (default 'swiotlb=force'), coherent_pool= (atomic DMA pool size)")
    .option('--cma <MiB>', 'a CMA region of this many MiB below 1 GiB (sleepable callers may allocate from it)', (v) => parseIntOption(v, '--cma'))
    .option('--duration <ms>', 'simulated milliseconds', (v) => parsePositiveIntOption(v, '--duration'))
    .option('--seed <n>', 'random seed', (v) => parseIntOption(v, '--seed'))
    .option('--set <knob=value>', 'set a workload knob (repeatable; see swiotlb-lab workloads)', parseKnob, {})
    .option('--check', 'DMA-API debugging: check every call against the live mappings and diagnose leaks')
    .addOption(new Option('--memory <mode>', "'bytes' stores real bytes and checks that every transfer's data arrives where the kernel puts it (slower)").choices(['accounting', 'bytes']))
    .option('--json', 'print one JSON document');
}

/**
 * Build the effective config from a file, a workload name and flags.
 *
 * @param workload - Workload name from the command line, if given.
 * @param f - Flags.
 * @returns The effective config.
 * @remarks Context: process context.
 */
export function configFromFlags(workload: string | undefined, f: LabFlags): RunConfig {
  const base = f.config !== undefined ? (loadConfigFile(f.config) as Record<string, unknown>) : {};
  const c = effectiveConfig(base, f.config ?? 'flags');
  if (workload !== undefined && existsSync(workload) && statSync(workload).isFile()) {
    // A trace file given as the workload.
    c.workload = { name: 'trace', knobs: { path: workload } };
  } else if (workload !== undefined) c.workload = { name: workload, knobs: c.workload.name === workload ? c.workload.knobs : {} };
  Object.assign(c.workload.knobs, f.set);
  if (f.kernel !== undefined) c.kernel = f.kernel;
  if (f.cpus !== undefined) c.machine.cpus = f.cpus;
  if (f.ram !== undefined) c.machine.ramBytes = f.ram;
  if (f.confidential !== undefined) c.machine.confidential = f.confidential;
  if (f.cmdline !== undefined) c.cmdline = f.cmdline;
  if (f.cma !== undefined) c.machine.cmaMiB = f.cma;
  if (f.duration !== undefined) c.durationMs = f.duration;
  if (f.seed !== undefined) c.seed = f.seed;
  if (f.check === true) c.check = true;
  if (f.memory !== undefined) c.machine.memory = f.memory;
  return effectiveConfig(c, f.config ?? 'flags');
}

/**
 * Add the lab commands to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerLab(program: Command): void {
  withLabOptions(
    program
      .command('run')
      .description('simulate one workload under one swiotlb design and report exact counts and estimated costs')
      .argument('[workload]', `built-in workload or a trace file (default ${DEFAULT_RUN.workload.name}; see swiotlb-lab workloads)`)
      .option('--policy <name>', 'swiotlb design (see swiotlb-lab policies)')
      .option('--perfetto <file>', 'also write the run as Chrome Trace Event JSON (open it in ui.perfetto.dev)')
      .option('--report <file>', 'also write a self-contained HTML report with charts'),
  ).action(async (workload: string | undefined, f: LabFlags & { policy?: string; perfetto?: string; report?: string }) => {
    const c = configFromFlags(workload, f);
    if (f.policy !== undefined) c.policy = f.policy;
    const rec = f.perfetto !== undefined ? new PerfettoRecorder() : undefined;
    const progress = simulationProgress();
    const onProgress = progress.report(c.policy);
    const r = runConfig(c, { ...(rec ? { perfetto: rec } : {}), ...(onProgress ? { onProgress } : {}) });
    progress.done();
    if (rec !== undefined && f.perfetto !== undefined) rec.write(f.perfetto, c.machine.cpus);
    if (f.report !== undefined) writeFileAtomic(f.report, [await renderReport([r])]);
    process.stdout.write(f.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatCompare([r]));
  });

  withLabOptions(
    program
      .command('compare')
      .description('run one workload under several swiotlb designs and print them side by side')
      .argument('[workload]', `built-in workload (default ${DEFAULT_RUN.workload.name})`)
      .option('--policies <list>', 'comma-separated designs (default: all registered)')
      .option('--report <file>', 'also write a self-contained HTML report with charts'),
  ).action(async (workload: string | undefined, f: LabFlags & { policies?: string; report?: string }) => {
    const c = configFromFlags(workload, f);
    const names = f.policies !== undefined ? f.policies.split(',').map((s) => s.trim()).filter(Boolean) : policyEntries().map((p) => p.name);
    const progress = simulationProgress();
    const results: RunResult[] = names.map((p) => {
      const onProgress = progress.report(p);
      return runConfig({ ...structuredClone(c), policy: p }, onProgress ? { onProgress } : {});
    });
    progress.done();
    if (f.report !== undefined) writeFileAtomic(f.report, [await renderReport(results)]);
    process.stdout.write(f.json === true ? `${JSON.stringify({ schemaVersion: 1, results }, null, 2)}\n` : formatCompare(results));
  });

  withLabOptions(
    program
      .command('size')
      .description('the smallest swiotlb= pool with no failed maps for a workload, found by running the exact allocator at each size')
      .argument('[workload]', `built-in workload (default ${DEFAULT_RUN.workload.name})`)
      .option('--report <file>', 'also write a self-contained HTML report with the headroom curve'),
  ).action(async (workload: string | undefined, f: LabFlags & { report?: string }) => {
    const r = sizePool(configFromFlags(workload, f));
    if (f.report !== undefined) writeFileAtomic(f.report, [await renderSizeReport(r)]);
    process.stdout.write(f.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatSize(r));
  });

  program
    .command('workloads')
    .description('list the built-in workloads and their knobs')
    .option('--json', 'print one JSON document')
    .action((f: { json?: boolean }) => {
      const ws = workloadPresets();
      if (f.json === true) {
        process.stdout.write(`${JSON.stringify(ws.map((w) => ({ name: w.name, description: w.description, knobs: w.knobs })), null, 2)}\n`);
        return;
      }
      const out: string[] = [];
      for (const w of ws) {
        out.push(`${w.name}: ${w.description}`);
        for (const k of w.knobs) out.push(`  ${k.name} = ${String(k.default)} ${k.unit === 'boolean' ? '' : `(${k.unit}) `}- ${k.description}`);
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });

  program
    .command('policies')
    .description('list the swiotlb designs the lab can run')
    .action(() => {
      process.stdout.write(`${policyEntries().map((p) => `${p.name.padEnd(12)} ${p.description}`).join('\n')}\n`);
    });

  program
    .command('costs')
    .description('print the cost model: every parameter, its default and where the default comes from')
    .option('--json', 'print one JSON document')
    .action((f: { json?: boolean }) => {
      if (f.json === true) {
        process.stdout.write(`${JSON.stringify(DEFAULT_COSTS, null, 2)}\n`);
        return;
      }
      const out = Object.entries(DEFAULT_COSTS).map(([k, v]) => `${k} = ${v.value} ${v.unit}\n    ${v.description}\n    source: ${v.source}`);
      process.stdout.write(`${out.join('\n')}\n`);
    });
}
