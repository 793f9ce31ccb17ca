/**
 * The HTML report of `size`: the answer in words, the headroom curve as a
 * chart (failed maps against pool size, the answer marked), and the
 * effective configuration.
 *
 * @module
 */
import type * as vl from 'vega-lite';
import { formatSize, type SizeResult } from '../size.js';
import { renderSvg } from './charts.js';
import { chartFigure, escapeHtml, htmlPage } from './page.js';

function curveSpec(r: SizeResult): vl.TopLevelSpec {
  const values = r.curve.map((p) => ({
    MiB: p.bytes / (1024 * 1024),
    slots: p.nslabs,
    failed: p.failures,
    tooLarge: p.tooLarge,
    answer: r.answer !== null && p.nslabs === r.answer.nslabs ? 'answer' : 'tried',
  }));
  return {
    width: 720,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'line', interpolate: 'step-after', point: false } },
      { mark: { type: 'point', filled: true, size: 80 }, encoding: { shape: { field: 'answer', type: 'nominal', title: null }, color: { field: 'answer', type: 'nominal', title: null } } },
    ],
    encoding: {
      x: { field: 'MiB', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'pool size (MiB, log scale)' },
      y: { field: 'failed', type: 'quantitative', title: 'failed maps a bigger pool could fix' },
      tooltip: [{ field: 'slots' }, { field: 'failed' }, { field: 'tooLarge' }],
    },
  };
}

/**
 * Render the sizing answer as an HTML report.
 *
 * @param r - The result of {@link sizePool}.
 * @returns A complete HTML document (deterministic for the same result).
 * @remarks Context: async; renders the curve chart.
 */
export async function renderSizeReport(r: SizeResult): Promise<string> {
  const spec = curveSpec(r);
  const figure = chartFigure({ id: 'sizing', title: 'Headroom curve: failed maps against fixed-pool size', spec, svg: await renderSvg(spec, 'sizing') });
  return htmlPage(`<h2>Sizing</h2>
<pre id="answer">${escapeHtml(formatSize(r))}</pre>
<h2>Charts</h2>
${figure}
<h2>Effective configuration</h2>
<p>Saved as a file, this JSON reproduces the answer: <code>swiotlb-lab size --config &lt;file&gt;</code>.</p>
<pre id="config">${escapeHtml(JSON.stringify(r.config, null, 2))}</pre>
`);
}
