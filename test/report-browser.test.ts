import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { effectiveConfig } from '../src/lab/run-config.js';
import { runConfig } from '../src/lab/run.js';
import { policyEntries } from '../src/lab/policy-registry.js';
import { renderReport } from '../src/lab/report/report.js';

// Debian's chromium, installed by .ci/run; never a browser download.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// Outside CI a machine without chromium skips; in CI its absence fails the run.
const skip = !existsSync(CHROMIUM) && process.env.CI === undefined ? `no Chromium at ${CHROMIUM}` : false;

async function withPage(html: string, fn: (page: import('playwright-core').Page, errors: string[], dialogs: string[]) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'report-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(file).href);
    await fn(page, errors, dialogs);
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the default compare report opens in Chromium with no console errors and every chart drawn', { skip, timeout: 120_000 }, async () => {
  const c = effectiveConfig({}, 'test'); // the default compare: what the README's main command runs
  const html = await renderReport(policyEntries().map((p) => runConfig({ ...structuredClone(c), policy: p.name })));
  await withPage(html, async (page, errors) => {
    assert.equal(await page.locator('#comparison tbody tr').count() > 10, true);
    for (const id of ['occupancy', 'pools', 'failures', 'devices', 'latency-histogram', 'latency', 'cpu', 'slots-fixed']) {
      const box = await page.locator(`#chart-${id} svg`).boundingBox();
      assert.ok(box !== null && box.width > 200 && box.height > 100, `chart ${id} has a visible size`);
      assert.ok((await page.locator(`#chart-${id} svg path`).count()) > 3, `chart ${id} has marks`);
    }
    if (process.env.REPORT_SCREENSHOTS !== undefined) {
      await page.screenshot({ path: join(process.env.REPORT_SCREENSHOTS, 'report-table.png') });
      await page.locator('#chart-occupancy').screenshot({ path: join(process.env.REPORT_SCREENSHOTS, 'report-occupancy.png') });
      await page.locator('#chart-latency').screenshot({ path: join(process.env.REPORT_SCREENSHOTS, 'report-latency.png') });
      await page.locator('#chart-slots-fixed').screenshot({ path: join(process.env.REPORT_SCREENSHOTS, 'report-slots.png') });
    }
    assert.deepEqual(errors, []);
  });
});

test('a hostile device name in the report executes nothing in Chromium', { skip, timeout: 120_000 }, async () => {
  const c = effectiveConfig({ durationMs: 20 }, 'test');
  const rs = ['fixed', 'transient'].map((policy) => runConfig({ ...structuredClone(c), policy }));
  const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  for (const r of rs) {
    r.devices[0]!.name = hostile;
    r.config.workload.knobs.path = hostile;
  }
  await withPage(await renderReport(rs), async (page, errors, dialogs) => {
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('script').count(), 0);
    assert.match((await page.locator('#config').textContent()) ?? '', /<img src=x onerror=\\"alert\(1\)\\"><script>/);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(errors, []);
  });
});
