import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfettoRecorder } from '../src/lab/engine/perfetto.js';
import { runConfig } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';

test('perfetto export: CPU tracks with call slices, device tracks with mapping lifetimes, pool counters, valid JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-'));
  const rec = new PerfettoRecorder();
  const r = runConfig(effectiveConfig({ durationMs: 10 }), { perfetto: rec });
  const out = join(dir, 'run.json');
  rec.write(out, r.config.machine.cpus);
  assert.deepEqual(readdirSync(dir), ['run.json'], 'written atomically: no temporary file left');
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; name: string; id?: number; pid: number; tid?: number; args?: Record<string, unknown> }[] };
  const ev = doc.traceEvents;
  const names = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!.name);
  assert.ok(names.includes('CPU 0') && names.includes('vda'), 'CPU and device tracks are named');
  const maps = ev.filter((e) => e.ph === 'X' && e.name === 'map').length;
  assert.ok(maps > 0);
  const begins = new Set(ev.filter((e) => e.ph === 'b').map((e) => e.id));
  for (const e of ev.filter((x) => x.ph === 'e')) assert.ok(begins.has(e.id), 'every end has its begin');
  assert.ok(ev.some((e) => e.ph === 'C'), 'pool counters');
});

test('perfetto export: a write to an unwritable place fails and leaves no file', () => {
  const rec = new PerfettoRecorder();
  assert.throws(() => rec.write('/nonexistent-dir/x.json', 1));
});
