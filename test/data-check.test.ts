import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConfig, type RunResult } from '../src/lab/run.js';
import { effectiveConfig } from '../src/lab/run-config.js';
import { policyEntries } from '../src/lab/policy-registry.js';
import { formatCompare } from '../src/lab/compare-format.js';
import { renderReport } from '../src/lab/report/report.js';
import { DataCheck } from '../src/lab/engine/data-check.js';
import { createMachine } from '../src/machine/machine.js';
import { createDevice } from '../src/machine/device.js';
import { DMA_FROM_DEVICE, DMA_TO_DEVICE } from '../src/swiotlb/constants.js';

function run(policy: string, workload: string, memory: 'accounting' | 'bytes', confidential: boolean, policyOptions: Record<string, unknown> = {}): RunResult {
  return runConfig(
    effectiveConfig({ durationMs: 4, policy, policyOptions, cmdline: confidential ? 'swiotlb=4096' : 'swiotlb=force', machine: { memory, confidential }, workload: { name: workload, knobs: {} } }),
  );
}

/** Everything a run decides, without the config (which names the mode) and the data check. */
function decisions(r: RunResult): string {
  const { config: _c, inputDigest: _d, dataCheck: _x, ...rest } = r;
  return JSON.stringify(rest);
}

test('byte mode: under every design every byte of every transfer arrives where the kernel puts it, and the decisions equal accounting mode', () => {
  for (const p of policyEntries()) {
    for (const [workload, confidential] of [['nvme-randread', false], ['nic', true], ['coco-burst', true]] as const) {
      const bytes = run(p.name, workload, 'bytes', confidential);
      const d = bytes.dataCheck!;
      assert.ok(d.checks > 20 && d.bytesChecked > 0, `${p.name} ${workload}: the check ran (${d.checks} checks)`);
      assert.equal(d.mismatchedChecks, 0, `${p.name} ${workload}: ${JSON.stringify(d.mismatches[0])}`);
      const acc = run(p.name, workload, 'accounting', confidential);
      assert.equal(acc.dataCheck, null);
      assert.equal(decisions(bytes), decisions(acc), `${p.name} ${workload}: same decisions and counts in both modes`);
    }
  }
});

test('byte mode catches a design whose multi-page bounce buffers are not contiguous for the device', () => {
  const r = run('reuse-pool', 'nvme-randread', 'bytes', false, { placement: 'scatter' });
  const d = r.dataCheck!;
  assert.ok(d.mismatchedChecks > 0 && d.badBytes > 0);
  const m = d.mismatches[0]!;
  assert.equal(m.device, 'nvme-randread0');
  assert.ok(m.badBytes > 0 && m.badBytes <= m.size && m.firstBadOffset >= 0 && m.firstBadOffset < m.size);
  const text = formatCompare([r]);
  assert.match(text, /data check \(reuse-pool\): [\d,]+ of [\d,]+ checks found bytes that did not arrive where the kernel would put them/);
  assert.match(text, /nvme-randread0: from_device mapping of [\d,]+ bytes \(dma 0x[0-9a-f]+, buffer 0x[0-9a-f]+\) at unmap/);
  // The same design with contiguous placement (the lab default) is clean.
  assert.equal(run('reuse-pool', 'nvme-randread', 'bytes', false).dataCheck!.mismatchedChecks, 0);
});

test('byte mode runs are deterministic and the report has a data-check section', async () => {
  const a = run('growing', 'nvme-randread', 'bytes', false);
  const b = run('growing', 'nvme-randread', 'bytes', false);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  const html = await renderReport([a]);
  assert.match(html, /<ul id="data-check"><li><b>growing<\/b>: [\d,]+ checks, [\d,]+ bytes compared: every byte arrived where the kernel would put it<\/li><\/ul>/);
});

test('DataCheck: a copy to the wrong place is reported with the exact bytes and offset; a right one is not', () => {
  const machine = createMachine({ ramBytes: 64 * 1024 * 1024, memory: 'bytes' });
  const mem = machine.memory;
  const dev = createDevice({ name: 'd<1>' });
  const check = new DataCheck(mem, 7);
  const orig = 0x100000;
  const bounce = 0x200000;
  // To the device: the "kernel" copies the buffer into the bounce buffer; the device sees it.
  const p = check.beforeMap(orig, 8192, DMA_TO_DEVICE);
  mem.copy(bounce, orig, 8192);
  check.afterMap(dev, bounce, orig, 8192, DMA_TO_DEVICE, 10, p);
  assert.equal(check.result.mismatchedChecks, 0);
  // From the device: the copy back lands 16 bytes off, so the first 16 bytes of the buffer are stale.
  const q = check.beforeMap(orig + 65536, 4096, DMA_FROM_DEVICE);
  assert.equal(q, -1);
  check.afterMap(dev, bounce + 65536, orig + 65536, 4096, DMA_FROM_DEVICE, 20, q);
  mem.copy(orig + 65536 + 16, bounce + 65536, 4096 - 16);
  check.afterUnmap(dev, bounce + 65536, 30);
  const r = check.finish(machine.devices(), 40);
  assert.equal(r.mismatchedChecks, 1);
  const m = r.mismatches[0]!;
  assert.deepEqual({ at: m.at, dir: m.dir, size: m.size, device: m.device, first: m.firstBadOffset }, { at: 'unmap', dir: 'from_device', size: 4096, device: 'd<1>', first: 0 });
  assert.ok(m.badBytes >= 4000 && m.badBytes <= 4096, `${m.badBytes} of 4096 bytes wrong`);
  // The live to-device mapping is checked again at the end of the run: corrupt its bounce buffer first.
  const check2 = new DataCheck(mem, 8);
  const p2 = check2.beforeMap(orig, 4096, DMA_TO_DEVICE);
  mem.copy(bounce, orig, 4096);
  check2.afterMap(dev, bounce, orig, 4096, DMA_TO_DEVICE, 10, p2);
  mem.fill(bounce + 100, 3, 0xee);
  const r2 = check2.finish([dev], 50);
  assert.equal(r2.mismatches[0]?.at, 'end of run');
  assert.equal(r2.mismatches[0]?.firstBadOffset, 100);
  assert.ok(r2.badBytes >= 1 && r2.badBytes <= 3);
});
