import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { builtinTraces } from '../src/cli/replay-command.js';
import { computeBootPool } from '../src/swiotlb/sizing.js';
import { getProfile } from '../src/swiotlb/profiles.js';

/** The capture's boot facts from meta.txt: the kernel's swiotlb arguments, vCPUs and RAM. */
function bootFacts(dir: string): { args: string; cpus: number; ramBytes: number } {
  const meta = readFileSync(join(dir, 'meta.txt'), 'utf8');
  const args = /^kernel_args=(.*)$/m.exec(meta)![1]!;
  const m = /^smp=(\d+) mem=(\d+)G/m.exec(meta)!;
  return { args, cpus: Number(m[1]), ramBytes: Number(m[2]) * 1024 ** 3 };
}

/** The pool the kernel booted with, read by the capture's probe (pool.txt's first line). */
function kernelPool(dir: string): { nslabs: number; nareas: number; areaNslabs: number } {
  const line = readFileSync(join(dir, 'pool.txt'), 'utf8').split('\n')[0]!;
  const num = (k: string): number => Number(new RegExp(`\\b${k}=(\\d+)`).exec(line)![1]);
  return { nslabs: num('nslabs'), nareas: num('nareas'), areaNslabs: num('area_nslabs') };
}

/** Where the kernel put the pool (pool.txt's start): the boot line that prints it needs it. */
function poolStart(dir: string): number {
  return Number(/\bstart=(0x[0-9a-f]+)/.exec(readFileSync(join(dir, 'pool.txt'), 'utf8'))![1]);
}

test('boot sizing gives the pool and the swiotlb boot lines of the real 6.1 kernel for every bundled capture', () => {
  const profile = getProfile('6.1');
  const dirs = builtinTraces().map((t) => dirname(t));
  assert.ok(dirs.length >= 12);
  for (const dir of dirs) {
    const name = dir.split('/').pop()!;
    const { args, cpus, ramBytes } = bootFacts(dir);
    const boot = computeBootPool({
      cmdline: args,
      possibleCpus: cpus,
      ramBytes,
      arch: 'x86',
      confidentialVm: false,
      limitNareas: profile.limitNareas,
      halvingOnMemblockFailure: profile.halvingOnMemblockFailure,
      forceBounceBeforeAlloc: profile.forceBounceBeforeAlloc,
      poolPhysAddr: poolStart(dir),
    });
    assert.equal(boot.outcome, 'allocated', name);
    assert.deepEqual({ nslabs: boot.nslabs, nareas: boot.nareas, areaNslabs: boot.areaNslabs }, kernelPool(dir), `${name} (${args}, ${cpus} CPUs)`);
    assert.equal(boot.forceBounce, args.includes('force'), name);
    // Every "software IO TLB:" line the kernel printed at boot, and no other (quiet boots print the area count and any size
    // roundup; with memory above 4 GiB x86 keeps the pool for it and prints where it is).
    const dmesg = readFileSync(join(dir, 'dmesg_swiotlb.txt'), 'utf8')
      .split('\n')
      .map((l) => l.replace(/^\[[ \d.]+\] /, ''))
      .filter((l) => l.startsWith('software IO TLB: '));
    assert.deepEqual(boot.logLines.filter((l) => l.startsWith('software IO TLB: ')), dmesg, name);
  }
});
