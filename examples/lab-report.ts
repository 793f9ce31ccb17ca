import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { effectiveConfig, renderReport, runConfig } from 'swiotlb-lab';

// The built-in default (a confidential-VM storage burst, 200 ms) under two designs.
const config = effectiveConfig({}, 'example');
const results = ['fixed', 'growing'].map((policy) => runConfig({ ...structuredClone(config), policy }));
for (const r of results) console.log(`${r.config.policy}: ${r.policy.mapFailures} failed maps, peak ${r.policy.peakReservedBytes / 2 ** 20} MiB reserved`);
// fixed: 2144 failed maps, peak 8 MiB reserved
// growing: 20 failed maps, peak 20 MiB reserved
assert.ok(results[1]!.policy.mapFailures < results[0]!.policy.mapFailures);

// The same HTML report as `swiotlb-lab compare --report`.
const out = join(tmpdir(), 'swiotlb-lab-report.html');
writeFileSync(out, await renderReport(results));
console.log(`report: ${out} (${results[0]!.inputDigest})`);
