/**
 * "What swiotlb= do I need?": the smallest pool the kernel can actually boot
 * (a power of two of at least 128 slots per area) with zero failed maps for a
 * workload, found by running the exact allocator at each size, so
 * fragmentation and alignment count, not just peak bytes.
 *
 * @module
 */
import { IO_TLB_SIZE } from '../swiotlb/constants.js';
import { computeBootPool } from '../swiotlb/sizing.js';
import { getProfile } from '../swiotlb/profiles.js';
import { runConfig, type RunResult } from './run.js';
import { InputError } from '../util/errors.js';
import type { RunConfig } from './run-config.js';

/** One size tried. */
export interface SizePoint {
  nslabs: number;
  bytes: number;
  /** Failed maps other than too_large (which no size fixes). */
  failures: number;
  tooLarge: number;
  peakInUseBytes: number;
}

/** The answer. */
export interface SizeResult {
  schemaVersion: 1;
  config: RunConfig;
  /** Smallest size with no failure a bigger pool can fix, or null when none up to the cap works. */
  answer: { nslabs: number; bytes: number; swiotlb: string } | null;
  /** The size one step below the answer, which fails (for the record). */
  below: SizePoint | null;
  /** Every size tried, ascending (the headroom curve). */
  curve: SizePoint[];
  /** Maps no swiotlb= value can serve (larger than the largest mapping), with their sizes per device. */
  tooLarge: { count: number; byDevice: Record<string, number[]> };
  /** What the kernel picks by itself on this machine, and what that wastes against the answer. */
  kernelDefault: { nslabs: number; bytes: number; rule: string; wastedBytes: number };
  /** Other designs on the smallest boot pool (smallestBytes): failed maps of any cause, and the most memory they held. */
  dynamic: { policy: string; failures: number; peakReservedBytes: number; unavailable?: string }[];
  smallestBytes: number;
}

function point(r: RunResult): SizePoint {
  const tooLarge = r.policy.failuresByCode.too_large ?? 0;
  return { nslabs: r.pool.nslabs, bytes: r.pool.bytes, failures: r.policy.mapFailures - tooLarge, tooLarge, peakInUseBytes: r.policy.peakInUseBytes };
}

/** Replace the slab count of the swiotlb= words (keeping force, or adding it when the machine is not confidential). */
function withSlabs(cmdline: string, nslabs: number, confidential: boolean): string {
  const words = cmdline.split(/\s+/).filter((w) => w !== '' && !w.startsWith('swiotlb='));
  return [...words, `swiotlb=${nslabs}${confidential ? '' : ',force'}`].join(' ');
}

/**
 * Find the smallest workable pool.
 *
 * @param base - The run's effective config (policy is forced to fixed).
 * @param maxBytes - Largest pool to try (default 1 GiB, the kernel's own cap in confidential VMs; never more than a quarter of RAM).
 * @returns The answer with its curve.
 * @remarks Context: synchronous; runs the workload once per size tried (a binary search).
 */
export function sizePool(base: RunConfig, maxBytes = 1024 ** 3): SizeResult {
  const c = structuredClone(base);
  c.policy = 'fixed';
  const nareas = 2 ** Math.ceil(Math.log2(c.machine.cpus));
  const min = 128 * nareas;
  const sizes: number[] = [];
  const cap = Math.min(maxBytes, c.machine.ramBytes / 4);
  for (let n = min; n * IO_TLB_SIZE <= cap; n *= 2) sizes.push(n);
  const tried = new Map<number, SizePoint>();
  const tooLarge = new Map<string, Set<number>>();
  const at = (n: number): SizePoint => {
    let p = tried.get(n);
    if (p === undefined) {
      const r = runConfig({ ...structuredClone(c), cmdline: withSlabs(c.cmdline, n, c.machine.confidential) });
      p = point(r);
      tried.set(n, p);
      for (const d of r.devices) {
        const sizes = d.tooLargeSizes as number[];
        if (sizes.length === 0) continue;
        const set = tooLarge.get(d.name as string) ?? new Set<number>();
        for (const z of sizes) set.add(z);
        tooLarge.set(d.name as string, set);
      }
    }
    return p;
  };
  // Binary search on the (practically monotone) failure count.
  let lo = 0;
  let hi = sizes.length - 1;
  if (at(sizes[hi]!).failures > 0) lo = sizes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(sizes[mid]!).failures === 0) hi = mid;
    else lo = mid + 1;
  }
  const answerN = lo < sizes.length ? sizes[lo]! : null;
  // The headroom curve: every size from the smallest up to 8x the answer.
  for (let i = 0; i < sizes.length && (answerN === null || sizes[i]! <= answerN * 8); i++) at(sizes[i]!);
  const curve = [...tried.values()].sort((a, b) => a.nslabs - b.nslabs);
  const below = answerN !== null && lo > 0 ? at(sizes[lo - 1]!) : null;
  const profile = getProfile(c.kernel);
  const boot = computeBootPool({
    cmdline: c.machine.confidential ? '' : 'swiotlb=force',
    possibleCpus: c.machine.cpus,
    ramBytes: c.machine.ramBytes,
    arch: c.machine.arch,
    confidentialVm: c.machine.confidential,
    limitNareas: profile.limitNareas,
  });
  const rule = c.machine.confidential ? '6 % of RAM, capped at 1 GiB (confidential VM)' : c.machine.arch === 'arm64' ? '1 MiB per GiB of RAM, capped at 64 MiB (arm64)' : 'the 64 MiB default';
  const answerBytes = answerN === null ? 0 : answerN * IO_TLB_SIZE;
  const tooLargeCount = curve.length > 0 ? curve[curve.length - 1]!.tooLarge : 0;
  const small = withSlabs(c.cmdline, min, c.machine.confidential);
  const dynamic = ['growing', 'mru-list', 'reuse-pool', 'throttle'].map((p) => {
    try {
      const r = runConfig({ ...structuredClone(c), policy: p, cmdline: small });
      return { policy: p, failures: r.policy.mapFailures, peakReservedBytes: r.policy.peakReservedBytes };
    } catch (e) {
      if (e instanceof InputError) return { policy: p, failures: -1, peakReservedBytes: 0, unavailable: e.message };
      throw e;
    }
  });
  return {
    schemaVersion: 1,
    config: c,
    answer: answerN === null ? null : { nslabs: answerN, bytes: answerBytes, swiotlb: `swiotlb=${answerN}${c.machine.confidential ? '' : ',force'}` },
    below,
    curve,
    tooLarge: { count: tooLargeCount, byDevice: Object.fromEntries([...tooLarge].map(([k, v]) => [k, [...v].sort((a, b) => a - b)])) },
    kernelDefault: { nslabs: boot.nslabs, bytes: boot.bytes, rule, wastedBytes: answerN === null ? 0 : Math.max(0, boot.bytes - answerBytes) },
    dynamic,
    smallestBytes: min * IO_TLB_SIZE,
  };
}

const MiB = (b: number): string => `${(b / 1024 ** 2).toFixed(b < 1024 ** 2 ? 2 : 0)} MiB`;

/**
 * Format a sizing answer for people.
 *
 * @param r - The answer.
 * @returns Text ending in a newline.
 * @remarks Context: any.
 */
export function formatSize(r: SizeResult): string {
  const out: string[] = [];
  const c = r.config;
  out.push(`workload ${c.workload.name}, kernel ${c.kernel}, ${c.machine.cpus} CPUs, ${c.machine.ramBytes / 1024 ** 3} GiB${c.machine.confidential ? ', confidential VM' : ''}, ${c.durationMs} ms simulated, seed ${c.seed}`);
  out.push('');
  if (r.answer !== null) {
    out.push(`answer: ${r.answer.swiotlb}  (${r.answer.nslabs} slots, ${MiB(r.answer.bytes)}): the smallest pool the kernel can boot with no failed map a bigger pool could fix`);
    if (r.below !== null) out.push(`        one step smaller (${r.below.nslabs} slots, ${MiB(r.below.bytes)}) fails ${r.below.failures} maps`);
  } else out.push(`answer: no pool up to ${MiB(r.curve.length > 0 ? r.curve[r.curve.length - 1]!.bytes : 0)} serves this workload without failures`);
  if (r.tooLarge.count > 0) {
    const sizes = Object.entries(r.tooLarge.byDevice).map(([d, s]) => `${d}: ${s.map((z) => `${z} B`).join(', ')}`).join('; ');
    out.push('');
    out.push(`${r.tooLarge.count} maps are larger than any swiotlb mapping can be (256 KiB minus the device's min_align_mask): no swiotlb= value helps them (${sizes}).`);
    const ok = r.dynamic.filter((d) => d.failures === 0 && d.unavailable === undefined).map((d) => d.policy);
    out.push(ok.length > 0 ? `Designs that serve them: ${ok.join(', ')}.` : 'None of the dynamic designs tried serves them either.');
  }
  out.push('');
  out.push(`the kernel would pick ${MiB(r.kernelDefault.bytes)} by itself (${r.kernelDefault.rule})${r.answer !== null && r.kernelDefault.wastedBytes > 0 ? `, ${MiB(r.kernelDefault.wastedBytes)} more than needed` : ''}`);
  out.push('');
  out.push('headroom curve (fixed pool):');
  for (const p of r.curve) out.push(`  ${String(p.nslabs).padStart(8)} slots ${MiB(p.bytes).padStart(10)}  failed maps ${p.failures}${p.tooLarge ? ` (+${p.tooLarge} too large)` : ''}  peak in use ${MiB(p.peakInUseBytes)}`);
  out.push('');
  out.push(`other designs on the smallest boot pool (${MiB(r.smallestBytes)}):`);
  for (const d of r.dynamic) {
    out.push(d.unavailable !== undefined ? `  ${d.policy.padEnd(11)} not available: ${d.unavailable}` : `  ${d.policy.padEnd(11)} failed maps ${d.failures}, peak memory ${MiB(d.peakReservedBytes)}`);
  }
  return `${out.join('\n')}\n`;
}
