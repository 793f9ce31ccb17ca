/**
 * The page shell shared by every HTML report: a strict Content-Security-Policy
 * (no script, no remote fetch), inline style, and the HTML escaping every
 * report uses for text that may come from an input.
 *
 * @module
 */
import type { Chart } from './charts.js';

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
.note { color: #555; } tr.mismatch td { background: #fde8e8; } h3 { font-size: 14px; }`;

/**
 * Wrap report sections in a complete offline HTML document.
 *
 * @param body - Trusted markup of the sections (input text already escaped).
 * @returns The document, ending in a newline.
 * @remarks Context: any.
 */
export function htmlPage(body: string): string {
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
${body}</body>
</html>
`;
}

/**
 * One rendered chart as a captioned figure.
 *
 * @param c - The chart (its SVG comes from Vega's renderer, which escapes data text).
 * @returns A figure element with id `chart-<id>`.
 * @remarks Context: any.
 */
export function chartFigure(c: Chart): string {
  return `<figure class="chart" id="chart-${c.id}"><figcaption>${escapeHtml(c.title)}</figcaption>\n${c.svg}\n</figure>`;
}
