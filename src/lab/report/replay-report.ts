/**
 * The HTML report of `replay`: one row per trace with the verdict (decisions
 * matched and mismatched against the kernel's), failed maps by cause as a
 * chart, and each trace's full replay text, first mismatch included. Trace
 * file names and trace text are untrusted and escaped.
 *
 * @module
 */
import type * as vl from 'vega-lite';
import { basename, dirname } from 'node:path';
import type { ReplayResult } from '../replay/replay-types.js';
import { formatReplay, replayVerdict } from '../replay/replay-format.js';
import { renderSvg } from './charts.js';
import { chartFigure, escapeHtml, htmlPage } from './page.js';

/** A short label for a trace: its folder and file name (captures are usually `<name>/trace.txt.gz`). */
function traceLabel(file: string): string {
  return `${basename(dirname(file))}/${basename(file)}`;
}

function decisionsSpec(results: ReplayResult[]): vl.TopLevelSpec {
  const values: { trace: string; kind: string; count: number }[] = [];
  for (const r of results) {
    const trace = traceLabel(r.file);
    values.push({ trace, kind: 'decisions matched', count: r.matched });
    values.push({ trace, kind: 'decisions mismatched', count: r.mismatched });
    for (const [code, n] of Object.entries(r.failuresByCode)) values.push({ trace, kind: `failed maps: ${code}`, count: n });
  }
  return {
    width: 560,
    height: { step: 14 },
    data: { values },
    mark: 'bar',
    encoding: {
      row: { field: 'trace', type: 'nominal', title: null, sort: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 260 } },
      y: { field: 'kind', type: 'nominal', title: null },
      x: { field: 'count', type: 'quantitative', title: 'count (symlog scale)', scale: { type: 'symlog' } },
      color: { field: 'kind', type: 'nominal', legend: null },
    },
  };
}

/**
 * Render replay results as an HTML report.
 *
 * @param results - One result per trace, in command-line order.
 * @returns A complete HTML document (deterministic for the same results).
 * @remarks Context: async; renders the chart.
 */
export async function renderReplayReport(results: ReplayResult[]): Promise<string> {
  const spec = decisionsSpec(results);
  const figure = chartFigure({ id: 'decisions', title: 'Decisions compared with the kernel, and failed maps by cause, per trace', spec, svg: await renderSvg(spec, 'decisions') });
  const rows = results.map((r) => {
    const v = replayVerdict(r);
    const verdict = v === 'OK' ? 'identical' : v === 'NOTHING' ? 'nothing compared' : `differs at line ${r.firstMismatch?.line ?? '?'}${v === 'INCOMPLETE' ? ' (capture incomplete)' : ''}`;
    const cells = [r.file, r.kernel, r.mode, String(r.events), String(r.matched), String(r.mismatched), String(r.failures), verdict];
    return `<tr${r.mismatched > 0 ? ' class="mismatch"' : ''}>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`;
  });
  const details = results.map((r) => `<h3>${escapeHtml(r.file)}</h3>\n<pre>${escapeHtml(formatReplay(r))}</pre>`);
  return htmlPage(`<h2>Replay against the kernel's decisions</h2>
<table id="replay">
<thead><tr><th>trace</th><th>kernel</th><th>mode</th><th>events</th><th>matched</th><th>mismatched</th><th>failed maps</th><th>verdict</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<h2>Charts</h2>
${figure}
<h2>Each trace</h2>
${details.join('\n')}
`);
}
