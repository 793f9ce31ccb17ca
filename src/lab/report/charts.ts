/**
 * The report's charts as Vega-Lite specs, rendered to SVG strings at report
 * time (no browser, no DOM). The specs are data: each chart's spec is kept
 * so a reader can re-render or restyle it.
 *
 * @module
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { RunResult } from '../run.js';

/** One chart: a stable id, a title, its Vega-Lite spec and the rendered SVG. */
export interface Chart {
  id: string;
  title: string;
  spec: vl.TopLevelSpec;
  svg: string;
}

const MiB = 1024 * 1024;
const WIDTH = 720;

function occupancySpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { ms: number; MiB: number; policy: string; level: string }[] = [];
  for (const r of results) {
    for (const p of r.occupancy) values.push({ ms: p.t / 1e6, MiB: p.max / MiB, policy: r.config.policy, level: 'in use' });
    for (const p of r.reserved) values.push({ ms: p.t / 1e6, MiB: p.max / MiB, policy: r.config.policy, level: 'reserved' });
  }
  return {
    width: WIDTH,
    height: 260,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'ms', type: 'quantitative', title: 'simulated time (ms)' },
      y: { field: 'MiB', type: 'quantitative', title: 'bounce memory (MiB, max per sample)' },
      color: { field: 'policy', type: 'nominal' },
      strokeDash: { field: 'level', type: 'nominal' },
    },
  };
}

function failureSpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { policy: string; cause: string; count: number }[] = [];
  for (const r of results) {
    const causes = Object.entries(r.policy.failuresByCode);
    if (causes.length === 0) values.push({ policy: r.config.policy, cause: 'none', count: 0 });
    for (const [cause, n] of causes) values.push({ policy: r.config.policy, cause, count: n ?? 0 });
  }
  return {
    width: WIDTH,
    height: 30 * results.length + 20,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'policy', type: 'nominal', title: null, sort: null },
      x: { field: 'count', type: 'quantitative', title: 'failed maps' },
      color: { field: 'cause', type: 'nominal' },
    },
  };
}

function latencySpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { policy: string; device: string; quantile: string; us: number }[] = [];
  for (const r of results) {
    for (const d of r.devices) {
      const lat = d.mapLatency as Record<string, number> | undefined;
      if (lat === undefined || lat.count === 0) continue;
      for (const q of ['p50Ns', 'p99Ns', 'maxNs'] as const) {
        values.push({ policy: r.config.policy, device: String(d.name), quantile: q.slice(0, -2), us: (lat[q] ?? 0) / 1e3 });
      }
    }
  }
  return {
    width: 110,
    height: 160,
    data: { values },
    mark: 'bar',
    encoding: {
      column: { field: 'policy', type: 'nominal', title: null, sort: null },
      x: { field: 'quantile', type: 'ordinal', title: null, sort: ['p50', 'p99', 'max'] },
      xOffset: { field: 'device', type: 'nominal' },
      y: { field: 'us', type: 'quantitative', title: 'est. map latency (µs)', scale: { type: 'symlog' } },
      color: { field: 'device', type: 'nominal' },
    },
  };
}

function cpuSpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { policy: string; work: string; ms: number }[] = [];
  for (const r of results) {
    for (const [work, v] of Object.entries(r.work)) {
      if (work === 'interrupts' || v.ns === 0) continue;
      values.push({ policy: r.config.policy, work, ms: v.ns / 1e6 });
    }
  }
  return {
    width: WIDTH,
    height: 30 * results.length + 20,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'policy', type: 'nominal', title: null, sort: null },
      x: { field: 'ms', type: 'quantitative', title: 'est. CPU time in DMA mapping (ms), by kind of work' },
      color: { field: 'work', type: 'nominal' },
    },
  };
}

/**
 * Render one Vega-Lite spec to a standalone SVG string.
 *
 * @param spec - The chart.
 * @returns SVG markup; text from the data is escaped by Vega's SVG renderer.
 * @remarks Context: async; CPU-bound for a few tens of milliseconds.
 */
export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * The charts of a comparison report, rendered.
 *
 * @param results - One result per policy (the same workload).
 * @returns Occupancy over time, failures by cause, map latency per device, and CPU time by work.
 * @remarks Context: async.
 */
export async function compareCharts(results: RunResult[]): Promise<Chart[]> {
  const defs: [string, string, vl.TopLevelSpec][] = [
    ['occupancy', 'Bounce memory over time: in use (solid) and reserved (dashed)', occupancySpec(results)],
    ['failures', 'Failed maps by cause', failureSpec(results)],
    ['latency', 'Estimated map latency per device', latencySpec(results)],
    ['cpu', 'Estimated CPU time by kind of work', cpuSpec(results)],
  ];
  const out: Chart[] = [];
  for (const [id, title, spec] of defs) out.push({ id, title, spec, svg: await renderSvg(spec) });
  return out;
}
