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
import { compareTable, dataCheckLines, dmaDebugCounts } from '../compare-format.js';
import { compareCharts } from './charts.js';
import { chartFigure, escapeHtml, htmlPage } from './page.js';

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
  const figures = charts.map(chartFigure);
  const debug: string[] = [];
  for (const r of results) {
    if (r.dmaDebug === null) continue;
    debug.push(`<li><b>${escapeHtml(r.config.policy)}</b>: ${escapeHtml(dmaDebugCounts(r))}<ul>${r.dmaDebug.diagnosis.verdict.map((v) => `<li>${escapeHtml(v)}</li>`).join('')}</ul></li>`);
  }
  const data: string[] = [];
  for (const r of results) {
    const [head, ...rest] = dataCheckLines(r);
    if (head === undefined) continue;
    data.push(`<li><b>${escapeHtml(r.config.policy)}</b>: ${escapeHtml(head)}${rest.length > 0 ? `<ul>${rest.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul>` : ''}</li>`);
  }
  const boot = results[0]!.pool.bootLog.join('\n');
  const config = JSON.stringify(results[0]!.config, null, 2);
  const policies = results.map((r) => r.config.policy).join(',');
  return htmlPage(`<p id="title">${escapeHtml(title)}</p>
<h2>Comparison</h2>
${table}
<p class="note">Counts are exact; times are estimates from the cost model (<code>swiotlb-lab costs</code> lists every parameter).</p>
${debug.length > 0 ? `<h2>DMA-API debugging</h2>\n<ul id="dma-debug">${debug.join('\n')}</ul>` : ''}
${data.length > 0 ? `<h2>Data check (byte mode)</h2>\n<ul id="data-check">${data.join('\n')}</ul>` : ''}
<h2>Charts</h2>
${figures.join('\n')}
<h2>Effective configuration</h2>
<p>Saved as a file, this JSON reproduces the numbers byte for byte: <code>swiotlb-lab compare --config &lt;file&gt; --policies ${escapeHtml(policies)}</code>.</p>
<pre id="config">${escapeHtml(config)}</pre>
<p>Input digests (SHA-256 of the config, a trace by its bytes): ${results.map((r) => `${escapeHtml(r.config.policy)} <code>${escapeHtml(r.inputDigest)}</code>`).join(', ')}.</p>
<h2>Boot log</h2>
<pre id="boot-log">${escapeHtml(boot)}</pre>
`);
}
