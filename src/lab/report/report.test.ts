import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveConfig } from '../run-config.js';
import { runConfig, type RunResult } from '../run.js';
import { renderReport } from './report.js';
import { escapeHtml } from './page.js';

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>"\'&';

function results(): RunResult[] {
  const c = effectiveConfig({ durationMs: 30 }, 'test');
  return ['fixed', 'transient'].map((policy) => runConfig({ ...structuredClone(c), policy }));
}

test('escapeHtml replaces every character that can open markup or end an attribute', () => {
  assert.equal(escapeHtml(HOSTILE), '&#60;img src=x onerror=alert(1)&#62;&#60;script&#62;alert(2)&#60;/script&#62;&#34;&#39;&#38;');
});

test('the report holds the comparison table, every chart non-empty, the config and seed, and no script', async () => {
  const rs = results();
  const html = await renderReport(rs);
  assert.match(html, /^<!doctype html>/);
  assert.equal(/<script/i.test(html), false);
  for (const id of ['occupancy', 'pools', 'failures', 'devices', 'latency-histogram', 'latency', 'cpu']) {
    const m = new RegExp(`<figure class="chart" id="chart-${id}">([\\s\\S]*?)</figure>`).exec(html);
    assert.ok(m, `chart ${id} present`);
    assert.match(m[1]!, /<svg[^>]*width="\d+"/);
    assert.match(m[1]!, /<path[^>]* d="M/, `chart ${id} draws marks`);
  }
  const slots = /<figure class="chart" id="chart-slots-fixed"><figcaption>Slot map of the default pool, fixed, at the (first failed map|end of run) [^<]*<\/figcaption>([\s\S]*?)<\/figure>/.exec(html);
  assert.ok(slots, 'slot map of the fixed pool present');
  assert.match(slots[2]!, /class="mark-rect/);
  // Per-pool occupancy: the transient design's boot pool and its transient pools as one series.
  assert.deepEqual(Object.keys(rs[1]!.poolOccupancy).sort(), ['pool 0', 'transient pools']);
  assert.ok(rs[1]!.poolOccupancy['transient pools']!.some((p) => p.max > 0));
  assert.match(html, /id="chart-pools"[\s\S]*?class="mark-line/);
  const head = /<thead><tr>(.*)<\/tr><\/thead>/.exec(html)![1]!;
  assert.match(head, /<th>fixed<\/th><th>transient<\/th>/);
  assert.match(html, /<td>map failures<\/td><td>[\d,]+<\/td><td>[\d,]+<\/td>/);
  assert.match(html, new RegExp(`&#34;seed&#34;: ${rs[0]!.config.seed}`));
});

test('the report is byte-for-byte the same for the same results', async () => {
  const rs = results();
  assert.equal(await renderReport(rs), await renderReport(results()));
});

test('device names, paths and knobs from an input are escaped everywhere, in the table, charts and config', async () => {
  const rs = results();
  for (const r of rs) {
    r.devices[0]!.name = HOSTILE;
    r.config.workload.knobs.path = HOSTILE;
    r.config.cmdline = HOSTILE;
    r.pool.bootLog.push(HOSTILE);
  }
  const html = await renderReport(rs);
  assert.equal(html.includes('<img'), false);
  assert.equal(/<script/i.test(html), false);
  assert.equal(html.includes('onerror=alert(1)>'), false);
  // The name still reaches the reader, as text: in the latency chart's legend and in the config.
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;|&#60;img src=x onerror=alert\(1\)&#62;/);
});

test('the size report shows the answer, the headroom curve with the answer marked, and escapes the config', async () => {
  const { sizePool } = await import('../size.js');
  const { renderSizeReport } = await import('./size-report.js');
  const c = effectiveConfig({ durationMs: 30 }, 'test');
  const r = sizePool(c);
  r.config.workload.knobs.path = HOSTILE;
  const html = await renderSizeReport(r);
  assert.ok(r.answer !== null);
  assert.match(html, new RegExp(`answer: ${r.answer.swiotlb} `));
  const fig = /<figure class="chart" id="chart-sizing">([\s\S]*?)<\/figure>/.exec(html);
  assert.ok(fig);
  assert.match(fig[1]!, /class="mark-line/);
  assert.equal((fig[1]!.match(/class="mark-symbol/g) ?? []).length >= 1, true);
  assert.equal(html.includes('<img'), false);
  assert.equal(/<script/i.test(html), false);
});

test('the replay report has a verdict row per trace, the chart, and each trace text, with names and trace text escaped', async () => {
  const { replayTraceFile } = await import('../replay/replay-file.js');
  const { renderReplayReport } = await import('./replay-report.js');
  const r = await replayTraceFile('test/fixtures/oracle/nvme_smoke_smp2/trace.txt.gz', { kernel: '6.1', lenient: false, searchImpl: 'fast', check: false, devices: new Map() });
  const html = await renderReplayReport([r]);
  assert.match(html, /<td>in-lock<\/td><td>394<\/td><td>172<\/td><td>0<\/td><td>0<\/td><td>identical<\/td>/);
  assert.match(html, /id="chart-decisions"[\s\S]*?class="mark-rect/);
  const hostile = { ...r, file: `/x/${HOSTILE}/trace.txt`, mismatched: 1, firstMismatch: { line: 7, text: HOSTILE, decision: 'map_found', kernel: { slot: 1 }, model: { slot: 2 }, area: null } };
  const bad = await renderReplayReport([hostile]);
  assert.match(bad, /<tr class="mismatch">/);
  assert.match(bad, /differs at line 7/);
  assert.equal(bad.includes('<img'), false);
  assert.equal(/<script/i.test(bad), false);
});
