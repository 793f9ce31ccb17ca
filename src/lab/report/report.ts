/**
 * The HTML report of `run` and `compare`: one self-contained offline file
 * with the comparison table, the charts (SVG rendered at report time), the
 * dma-debug verdicts, and the effective configuration with its seed.
 * Everything that may come from an input (device names, paths, workload
 * knobs, trace text) goes through {@link escapeHtml}; the page runs no script.
 *
 * @module
 */
import type { RunResult } from '../run.js';
import { compareTable } from '../compare-format.js';
import { compareCharts } from './charts.js';

/**
 * Escape text for HTML element content and quoted attribute values.
 *
 * @param s - Untrusted text.
 * @returns The text with &, <, >, " and ' replaced by character references.
 * @remarks Context: any.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1240px; color: #1d1d1f; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; } td:not(:first-child), th:not(:first-child) { text-align: right; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
figure { margin: 12px 0; } figcaption { font-weight: 600; margin-bottom: 4px; }
.note { color: #555; }`;

/**
 * Render a report for one or more runs of the same workload.
 *
 * @param results - One result per policy (at least one), in column order.
 * @returns A complete HTML document (deterministic for the same results).
 * @remarks Context: async; renders every chart.
 */
export async function renderReport(results: RunResult[]): Promise<string> {
  const { head, rows, title } = compareTable(results);
  const charts = await compareCharts(results);
  const table = [
    '<table id="comparison">',
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
  const figures = charts.map(
    (c) => `<figure class="chart" id="chart-${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>\n${c.svg}\n</figure>`,
  );
  const debug: string[] = [];
  for (const r of results) {
    if (r.dmaDebug === null) continue;
    const counts = Object.entries(r.dmaDebug.counts).map(([k, v]) => `${k} ${v}`).join(', ') || 'no misuse found';
    debug.push(`<li><b>${escapeHtml(r.config.policy)}</b>: ${escapeHtml(counts)}<ul>${r.dmaDebug.diagnosis.verdict.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul></li>`);
  }
  const boot = results[0]!.pool.bootLog.join('\n');
  const config = JSON.stringify(results[0]!.config, null, 2);
  const policies = results.map((r) => r.config.policy).join(',');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>swiotlb-lab report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>swiotlb-lab report</h1>
<p id="title">${escapeHtml(title)}</p>
<h2>Comparison</h2>
${table}
<p class="note">Counts are exact; times are estimates from the cost model (<code>swiotlb-lab costs</code> lists every parameter).</p>
${debug.length > 0 ? `<h2>DMA-API debugging</h2>\n<ul id="dma-debug">${debug.join('\n')}</ul>` : ''}
<h2>Charts</h2>
${figures.join('\n')}
<h2>Effective configuration</h2>
<p>Saved as a file, this JSON reproduces the numbers byte for byte: <code>swiotlb-lab compare --config &lt;file&gt; --policies ${escapeHtml(policies)}</code>.</p>
<pre id="config">${escapeHtml(config)}</pre>
<h2>Boot log</h2>
<pre id="boot-log">${escapeHtml(boot)}</pre>
</body>
</html>
`;
}
