/**
 * The conformance suite every swiotlb policy passes (Hono's common.case
 * pattern): each policy's own test file calls runPolicyConformance(). The
 * sequence itself, with every check, is in conformance-sequence.case.ts.
 *
 * @module
 */
import { test } from 'node:test';
import type { Machine } from '../../machine/machine.js';
import type { PolicyFactory, PolicyStats, SwiotlbPolicy } from '../policy.js';
import { runConformanceSequence, type BlockingCounts, type SequenceMachine } from './conformance-sequence.case.js';

export type { BlockingCounts } from './conformance-sequence.case.js';

/** One drained conformance sequence, handed to {@link ConformanceOptions.afterRun}. */
export interface ConformanceRun {
  /** The policy, with every mapping unmapped and every waiter served. */
  policy: SwiotlbPolicy;
  machine: Machine;
  seed: number;
  /** Ran as a confidential VM. */
  confidential: boolean;
  /** Bytes of the machine's CMA region (0: none). */
  cmaBytes: number;
  /** stats() after the drain. */
  stats: PolicyStats;
  /** MAP_BLOCKED returns, retries, and what became of the blocked requests. */
  blocking: BlockingCounts;
}

/** Options of {@link runPolicyConformance}. */
export interface ConformanceOptions {
  /** Kernel profile; default 6.12. */
  kernel?: string;
  /** Boot pool bytes; default 4 MiB. */
  poolBytes?: number;
  /** Largest mapping to try (capped by the policy's maxMappingSize); default 256 KiB. */
  maxSize?: number;
  /** Also run as a confidential VM. */
  confidential?: boolean;
  /** Sequences (seeds) to run; default 12. */
  seeds?: number;
  /**
   * MiB (a multiple of 4) of a CMA region for one more test on a machine
   * that has one, placed top-down below 1 GiB, clear of the originals;
   * default 64, 0 for no such test.
   */
  cmaMiB?: number;
  /** Policy-specific checks after each drained sequence; default none. */
  afterRun?: (run: ConformanceRun) => void;
}

/**
 * Register the conformance tests for one policy: seeded sequences on a plain
 * machine, in a confidential VM, and on a machine with a CMA region.
 *
 * @param name - Policy name, for test titles.
 * @param factory - Builds the policy.
 * @param options - Sizes, variants and extra per-run checks.
 * @returns Nothing; the tests are registered with node:test.
 * @remarks Context: test files only (top level of a *.test.ts file).
 */
export function runPolicyConformance(name: string, factory: PolicyFactory, options: ConformanceOptions = {}): void {
  const o: Required<ConformanceOptions> = {
    kernel: '6.12',
    poolBytes: 4 * 1024 * 1024,
    maxSize: 262144,
    confidential: true,
    seeds: 12,
    cmaMiB: 64,
    afterRun: () => {},
    ...options,
  };
  const run = (seed: number, m: SequenceMachine) => {
    const r = runConformanceSequence(factory, seed, o, m);
    o.afterRun({ ...r, seed, ...m });
  };
  test(`policy ${name}: bytes round-trip, no overlap, no lost mapping or waiter, consistent counts, exact lookup`, () => {
    for (let seed = 1; seed <= o.seeds; seed++) run(seed, { confidential: false, cmaBytes: 0 });
  });
  if (o.confidential) {
    test(`policy ${name}: the same in a confidential VM, with shared-memory hypercalls counted`, () => {
      for (let seed = 1; seed <= Math.ceil(o.seeds / 3); seed++) run(100 + seed, { confidential: true, cmaBytes: 0 });
    });
  }
  if (o.cmaMiB > 0) {
    // Every second seed in a confidential VM when the policy runs there: CMA pages shared with the host.
    test(`policy ${name}: the same on a machine with a ${o.cmaMiB} MiB CMA region below the originals`, () => {
      for (let seed = 1; seed <= Math.ceil(o.seeds / 4); seed++) run(200 + seed, { confidential: o.confidential && seed % 2 === 0, cmaBytes: o.cmaMiB * 1024 * 1024 });
    });
  }
}
