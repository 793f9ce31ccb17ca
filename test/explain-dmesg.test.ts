import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explainDmesg } from '../src/lab/explain/dmesg.js';

test('explain: the oracle small-pool log is fragmentation, with the kernel\'s numbers', async () => {
  const r = await explainDmesg(new URL('./fixtures/oracle/virtio_small8192_smp2/dmesg_swiotlb.txt', import.meta.url).pathname);
  assert.equal(r.areas, 2);
  assert.deepEqual(
    r.full.map((g) => [g.device, g.cause, g.size, g.count, g.total - g.used]),
    [
      ['virtio-pci 0000:00:02.0', 'fragmented', 262144, 9, 324],
      ['virtio-pci 0000:00:02.0', 'fragmented', 221184, 1, 324],
    ],
  );
  assert.ok(r.findings.some((f) => /no run of 128 contiguous slots/.test(f)));
});

test('explain: a too-large mapping, an exhausted pool, a bad swiotlb= string and a missing pool, each in plain words', async () => {
  const f = join(mkdtempSync(join(tmpdir(), 'dmesg-')), 'dmesg.txt');
  writeFileSync(
    f,
    [
      '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 swiotlb=force,65536',
      '[    0.100000] software IO TLB: area num 4.',
      '[    0.100001] software IO TLB: mapped [mem 0x00000000bbf00000-0x00000000bff00000] (64MB)',
      '[   12.000000] i915 0000:00:02.0: swiotlb buffer is full (sz: 8388608 bytes), total 32768 (slots), used 2 (slots)',
      '[   13.000000] nvme 0000:01:00.0: swiotlb buffer is full (sz: 131072 bytes), total 32768 (slots), used 32720 (slots)',
      '[   14.000000] ahci 0000:00:1f.2: DMA addr 0x0000000123456000+4096 overflow (mask ffffffff, bus limit 0).',
      '<script>alert(1)</script> swiotlb noise',
    ].join('\n'),
  );
  const r = await explainDmesg(f);
  assert.equal(r.poolMiB, 64);
  assert.deepEqual(r.full.map((g) => g.cause).sort(), ['exhausted', 'too_large']);
  const text = r.findings.join('\n');
  assert.match(text, /No swiotlb= size can help/);
  assert.match(text, /because the pool was full: 32720 of 32768 slots in use/);
  assert.match(text, /'force,65536' was ignored/);
  assert.match(text, /could not reach a buffer and no swiotlb existed/);
});

test('explain: an unreadable file is a clear error', async () => {
  await assert.rejects(explainDmesg('/nonexistent/dmesg'), /Cannot read kernel log/);
});

test('explain: absurd numbers, a directory and a very long line end in a report or a clear error, never a crash or a stall', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmesg-'));
  const nines = '9'.repeat(400);
  const f = join(dir, 'odd.txt');
  writeFileSync(f, `nvme 0000:01:00.0: swiotlb buffer is full (sz: ${nines} bytes), total ${nines} (slots), used 3 (slots)\nsoftware IO TLB: area num ${nines}.\n`);
  const r = await explainDmesg(f);
  assert.deepEqual([r.full.length, r.areas], [0, null]);
  assert.match(r.warnings[0]!.text, /too large to be real/);
  await assert.rejects(explainDmesg(dir), (e: unknown) => e instanceof Error && e.name === 'InputError' && /Cannot read kernel log/.test(e.message));
  const long = join(dir, 'long.txt');
  writeFileSync(long, `software IO TLB: mapped [mem 0x0-0x1] (64M${' [mem 0x0-0x1] (64M'.repeat(20000)}\n`);
  const noBracket = join(dir, 'no-bracket.txt');
  writeFileSync(noBracket, `${'software IO TLB: mapped [mem 0x000000006d455d49-0x0000000029db0cf'.repeat(8000)}\n`);
  const t0 = performance.now();
  await explainDmesg(long);
  await explainDmesg(noBracket);
  assert.ok(performance.now() - t0 < 1000, 'linear in the line length');
});
