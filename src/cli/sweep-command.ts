/**
 * `swiotlb-lab sweep` and `swiotlb-lab merge`: a grid of runs on worker
 * threads, splittable across machines with --shard i/n.
 *
 * @module
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { loadConfigFile } from '../lab/config-file.js';
import { parseAxis, parseShard, type Axis } from '../lab/sweep/grid.js';
import { mergeSweeps, runSweep, type SweepResult } from '../lab/sweep/sweep.js';
import { parsePositiveIntOption } from './options.js';
import { InputError } from '../util/errors.js';

function formatSweep(r: SweepResult): string {
  const head = [...r.axes.map((a) => a.path), 'maps', 'failures', 'reqs failed', 'peak in use', 'reserved', 'hypercalls', 'est. CPU ms', 'map p99 µs'];
  const rows = r.points.map((p) => {
    const o = p.outcome;
    const cells = r.axes.map((a) => String(p.point[a.path]));
    if (!o.ok) return [...cells, `error: ${o.error}`];
    const w = o.row;
    return [...cells, String(w.maps), String(w.mapFailures), String(w.failedRequests), `${(w.peakInUseBytes / 2 ** 20).toFixed(1)} MiB`, `${(w.peakReservedBytes / 2 ** 20).toFixed(1)} MiB`, String(w.hypercalls), (w.estimatedCpuNs / 1e6).toFixed(2), (w.mapP99Ns / 1e3).toFixed(1)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i] ?? 0)).join('  ');
  return `${line(head)}\n${rows.map(line).join('\n')}\n\n${r.points.length} of ${r.total} points (shard ${r.shard.index}/${r.shard.count})\n`;
}

/**
 * Add sweep and merge to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a grid of configurations on this thread and worker threads (e.g. --grid policy=fixed|growing --grid machine.cpus=2|4)')
    .option('--config <file>', 'base configuration (JSON or TOML)')
    .option('--grid <path=v1|v2>', 'an axis of the grid (repeatable)', (v, acc: Axis[]) => [...acc, parseAxis(v)], [] as Axis[])
    .option('--workers <n>', 'workers, the calling thread included: n - 1 worker threads are started (default: the number of cores)', (v) => parsePositiveIntOption(v, '--workers'))
    .option('--shard <i/n>', 'run only shard i of n (merge the shards with swiotlb-lab merge)', parseShard)
    .option('--json', 'print one JSON document')
    .action(async (f: { config?: string; grid: Axis[]; workers?: number; shard?: { index: number; count: number }; json?: boolean }) => {
      if (f.grid.length === 0) throw new InputError('bad_grid', 'Give at least one --grid axis, e.g. --grid policy=fixed|growing');
      const base = f.config !== undefined ? (loadConfigFile(f.config) as Record<string, unknown>) : {};
      const tty = process.stderr.isTTY === true && process.env.CI === undefined;
      const r = await runSweep({
        base,
        axes: f.grid,
        workers: f.workers ?? cpus().length,
        shard: f.shard ?? { index: 1, count: 1 },
        ...(tty ? { progress: (d: number, n: number) => process.stderr.write(`\rsweep: ${d}/${n} points${d === n ? '\n' : ''}`) } : {}),
      });
      process.stdout.write(f.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatSweep(r));
    });

  program
    .command('merge')
    .description('merge the JSON outputs of sweep shards into one result')
    .argument('<files...>', 'shard outputs (from sweep --shard i/n --json)')
    .option('--json', 'print one JSON document')
    .action((files: string[], f: { json?: boolean }) => {
      const parts = files.map((p) => {
        try {
          return JSON.parse(readFileSync(p, 'utf8')) as SweepResult;
        } catch {
          throw new InputError('bad_merge', `Cannot read sweep output '${p}': expected the JSON of swiotlb-lab sweep --json`);
        }
      });
      const r = mergeSweeps(parts);
      process.stdout.write(f.json === true ? `${JSON.stringify(r, null, 2)}\n` : formatSweep(r));
    });
}
