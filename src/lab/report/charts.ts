/**
 * The report's charts as Vega-Lite specs, rendered to SVG strings at report
 * time (no browser, no DOM). The specs are data: each chart's spec is kept
 * so a reader can re-render or restyle it.
 *
 * @module
 */
import type * as vl from 'vega-lite';
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
  const levels: { ms: number; MiB: number; policy: string; level: string }[] = [];
  const failed: { ms: number; failed: number; policy: string }[] = [];
  for (const r of results) {
    const policy = r.config.policy;
    for (const p of r.occupancy) levels.push({ ms: p.t / 1e6, MiB: p.max / MiB, policy, level: 'in use' });
    for (const p of r.reserved) levels.push({ ms: p.t / 1e6, MiB: p.max / MiB, policy, level: 'reserved' });
    // The series is cumulative: a window's failures are its count minus the previous window's.
    let before = 0;
    for (const p of r.failures) {
      failed.push({ ms: p.t / 1e6, failed: p.max - before, policy });
      before = p.max;
    }
  }
  const x = { field: 'ms', type: 'quantitative', title: 'simulated time (ms)' } as const;
  const color = { field: 'policy', type: 'nominal' } as const;
  return {
    vconcat: [
      {
        width: WIDTH,
        height: 240,
        data: { values: levels },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y: { field: 'MiB', type: 'quantitative', title: 'bounce memory (MiB, max per sample)' }, color, strokeDash: { field: 'level', type: 'nominal' } },
      },
      {
        width: WIDTH,
        height: 120,
        data: { values: failed },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: { x, y: { field: 'failed', type: 'quantitative', title: 'failed maps per sample' }, color },
      },
    ],
    resolve: { scale: { x: 'shared', color: 'shared' } },
  };
}

function failureSpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { policy: string; cause: string; count: number }[] = [];
  for (const r of results) {
    const causes = Object.entries(r.policy.failuresByCode);
    if (causes.length === 0) values.push({ policy: r.config.policy, cause: 'none', count: 0 });
    for (const [cause, n] of causes) values.push({ policy: r.config.policy, cause, count: n ?? 0 });
  }
  return policyBars(values, results.length, 'count', 'failed maps', 'cause');
}

/**
 * One horizontal stacked bar per policy (in result order), split by a colour field.
 *
 * @param values - Rows with a `policy` field.
 * @param policies - How many bars.
 * @param x - Quantity field.
 * @param xTitle - Axis title.
 * @param color - Field that splits a bar.
 * @returns The spec.
 * @remarks Context: any.
 */
function policyBars(values: object[], policies: number, x: string, xTitle: string, color: string): vl.TopLevelSpec {
  return {
    width: WIDTH,
    height: 30 * policies + 20,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'policy', type: 'nominal', title: null, sort: null },
      x: { field: x, type: 'quantitative', title: xTitle },
      color: { field: color, type: 'nominal' },
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

/** One row per point of a level series, labelled by design and by series name. */
interface LevelRow {
  ms: number;
  MiB: number;
  policy: string;
  series: string;
}

function levelRows(policy: string, series: string, points: readonly { t: number; max: number }[], out: LevelRow[]): void {
  for (const p of points) out.push({ ms: p.t / 1e6, MiB: p.max / MiB, policy, series });
}

/** Small multiples: one panel per design, a step line per series (device or pool). */
function levelPanelsSpec(values: LevelRow[], yTitle: string, legend: string): vl.TopLevelSpec {
  return {
    data: { values },
    facet: { field: 'policy', type: 'nominal', title: null, sort: null },
    columns: 2,
    spec: {
      width: 330,
      height: 120,
      mark: { type: 'line', interpolate: 'step-after' },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'simulated time (ms)' },
        y: { field: 'MiB', type: 'quantitative', title: yTitle },
        color: { field: 'series', type: 'nominal', title: legend },
      },
    },
  };
}

function deviceOccupancySpec(results: RunResult[]): vl.TopLevelSpec {
  const values: LevelRow[] = [];
  for (const r of results) {
    for (const d of r.devices) levelRows(r.config.policy, String(d.name), (d.occupancy as { t: number; max: number }[] | undefined) ?? [], values);
  }
  return levelPanelsSpec(values, 'mapped (MiB, sampled)', 'device');
}

function poolOccupancySpec(results: RunResult[]): vl.TopLevelSpec | null {
  const values: LevelRow[] = [];
  for (const r of results) {
    for (const [pool, series] of Object.entries(r.poolOccupancy)) levelRows(r.config.policy, pool, series, values);
  }
  return values.length === 0 ? null : levelPanelsSpec(values, 'in use (MiB, max per sample)', 'pool');
}

function latencyHistogramSpec(results: RunResult[]): vl.TopLevelSpec {
  const values: { policy: string; call: string; upToUs: number; calls: number }[] = [];
  for (const r of results) {
    for (const call of ['map', 'unmap'] as const) {
      const byEdge = new Map<number, number>();
      for (const d of r.devices) {
        for (const [edge, n] of (d[`${call}LatencyHistogram`] as [number, number][] | undefined) ?? []) byEdge.set(edge, (byEdge.get(edge) ?? 0) + n);
      }
      if (byEdge.size === 0) continue;
      // Every octave between the smallest and largest, empty ones as 0, so the line never bridges a gap.
      const edges = [...byEdge.keys()];
      for (let edge = Math.min(...edges); edge <= Math.max(...edges); edge *= 2) values.push({ policy: r.config.policy, call, upToUs: edge / 1e3, calls: byEdge.get(edge) ?? 0 });
    }
  }
  return {
    data: { values },
    facet: { field: 'call', type: 'nominal', title: null, sort: ['map', 'unmap'] },
    columns: 2,
    spec: {
      width: 330,
      height: 200,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'upToUs', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'est. latency, power-of-two bucket upper edge (µs)' },
        y: { field: 'calls', type: 'quantitative', title: 'calls (all devices)' },
        color: { field: 'policy', type: 'nominal', sort: null },
      },
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
  return policyBars(values, results.length, 'ms', 'est. CPU time in DMA mapping (ms), by kind of work', 'work');
}

const SLOT_MAP_COLUMNS = 64;

function slotMapSpec(r: RunResult): vl.TopLevelSpec | null {
  const m = r.slotMap;
  if (m === null) return null;
  const values = m.used.map((u, i) => ({ row: Math.floor(i / SLOT_MAP_COLUMNS), col: i % SLOT_MAP_COLUMNS, firstSlot: i * m.bucketSlots, held: u }));
  const rows = Math.ceil(m.used.length / SLOT_MAP_COLUMNS);
  return {
    width: WIDTH,
    height: Math.max(40, Math.min(360, rows * 11)),
    data: { values },
    mark: { type: 'rect' },
    encoding: {
      x: { field: 'col', type: 'ordinal', axis: null },
      y: { field: 'row', type: 'ordinal', axis: null },
      color: { field: 'held', type: 'quantitative', scale: { domain: [0, 1], scheme: 'blues' }, title: 'held' },
      tooltip: [{ field: 'firstSlot', title: 'first slot' }, { field: 'held' }],
    },
  };
}

let libraries: Promise<[typeof import('vega'), typeof import('vega-lite')]> | null = null;

/**
 * Vega and Vega-Lite, loaded with the first chart: loading them takes about
 * 0.2 s (a third of the CLI's start-up), and under tsx's CommonJS hook it also
 * made a simulation in the same process about 8 % slower. Commands load them
 * only when a report is drawn, after the run.
 *
 * @returns The two modules.
 * @remarks Context: async.
 */
function chartLibraries(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  libraries ??= Promise.all([import('vega'), import('vega-lite')]);
  return libraries;
}

/**
 * Render one Vega-Lite spec to a standalone SVG string.
 *
 * Vega numbers gradient and clip definitions from a process-wide counter, so
 * they are renamed here from the chart's id: the same chart gives the same
 * bytes, and two charts in one page never share a definition id.
 *
 * @param spec - The chart.
 * @param id - The chart's id, unique in its page (letters, digits, '-').
 * @returns SVG markup; text from the data is escaped by Vega's SVG renderer.
 * @remarks Context: async; CPU-bound for a few tens of milliseconds.
 */
export async function renderSvg(spec: vl.TopLevelSpec, id: string): Promise<string> {
  const [vega, vegaLite] = await chartLibraries();
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const renamed = new Map<string, string>();
  // Only definition ids and their url(#...) references: text drawn from the data is left alone.
  return svg.replace(/(id="|url\(#)((?:gradient_|clip|pattern_)\d+)/g, (_: string, lead: string, old: string) => {
    let name = renamed.get(old);
    if (name === undefined) {
      name = `${id}-def${renamed.size}`;
      renamed.set(old, name);
    }
    return `${lead}${name}`;
  });
}

/**
 * The charts of a comparison report, rendered.
 *
 * @param results - One result per policy (the same workload).
 * @returns Occupancy and failures over time, failures by cause, map latency per device, CPU time by work,
 *   and a slot map of the default pool for each design that has one.
 * @remarks Context: async.
 */
export async function compareCharts(results: RunResult[]): Promise<Chart[]> {
  const defs: [string, string, vl.TopLevelSpec][] = [
    ['occupancy', 'Bounce memory over time, in use (solid) and reserved (dashed), with failed maps on the same time axis', occupancySpec(results)],
    ['failures', 'Failed maps by cause', failureSpec(results)],
    ['devices', 'Bytes mapped per device over time', deviceOccupancySpec(results)],
    ['latency-histogram', 'Estimated map and unmap latency distributions', latencyHistogramSpec(results)],
    ['latency', 'Estimated map latency per device: p50, p99 and max', latencySpec(results)],
    ['cpu', 'Estimated CPU time by kind of work', cpuSpec(results)],
  ];
  const pools = poolOccupancySpec(results);
  if (pools !== null) defs.splice(1, 0, ['pools', 'Bytes in use per slot pool over time (transient pools summed), for designs with slot pools', pools]);
  for (const r of results) {
    const spec = slotMapSpec(r);
    const m = r.slotMap;
    if (spec === null || m === null) continue;
    const title = `Slot map of the default pool, ${r.config.policy}, at the ${m.reason} (${(m.at / 1e6).toFixed(3)} ms): ${m.usedSlots} of ${m.nslabs} slots held, ${m.freeRuns} free runs within segments, the longest ${m.longestFreeRun} slots; one cell = ${m.bucketSlots} slot${m.bucketSlots > 1 ? 's' : ''}, ${SLOT_MAP_COLUMNS} cells a row`;
    defs.push([`slots-${r.config.policy}`, title, spec]);
  }
  const out: Chart[] = [];
  for (const [id, title, spec] of defs) out.push({ id, title, spec, svg: await renderSvg(spec, id) });
  return out;
}
