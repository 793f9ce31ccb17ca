/**
 * Fuzz target `params`: the `swiotlb=` parser (parseSwiotlbParams), the
 * command-line splitter (parseKernelCmdline), the explain mode
 * (explainKernelCmdline / explainSwiotlbParams) and boot sizing
 * (computeBootPool) with a fuzzed command line and random machine facts.
 *
 * @module
 */
import { parseSwiotlbParams } from '../../src/swiotlb/params.js';
import { parseKernelCmdline } from '../../src/swiotlb/params-cmdline.js';
import { explainKernelCmdline, explainSwiotlbParams } from '../../src/swiotlb/params-explain.js';
import { computeBootPool, type BootPoolOptions } from '../../src/swiotlb/sizing.js';
import { classifyError, OK, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import { guarded, type FuzzCase, type Target } from '../target.js';
import { kernelCmdline, swiotlbValue } from '../gen/cmdline.js';
import { checkBoot, checkFindings, checkParse } from './params-checks.js';

/** One params case. */
export type ParamsInput =
  | { readonly mode: 'values'; readonly values: readonly (string | null)[]; readonly dynamicOption: boolean; readonly cpus?: number }
  | { readonly mode: 'cmdline'; readonly cmdline: string; readonly dynamicOption: boolean }
  | { readonly mode: 'explain'; readonly cmdline: string; readonly dynamicOption: boolean; readonly cpus?: number }
  | { readonly mode: 'boot'; readonly options: BootPoolOptions; readonly allocLimit: number | null; readonly remapLimit: number | null }
  | { readonly mode: 'misuse'; readonly options: Record<string, unknown> };

function cpus(rng: Rng): number {
  return rng.weighted([[6, rng.range(1, 16)], [2, rng.range(17, 4096)], [1, rng.pick([1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 53 - 1])]]);
}

function bootOptions(rng: Rng): ParamsInput {
  const options: BootPoolOptions = {
    cmdline: kernelCmdline(rng),
    possibleCpus: cpus(rng),
    ramBytes: rng.weighted([[4, rng.range(1, 64) * 2 ** 30], [2, rng.int(2 ** 34)], [1, rng.pick([0, 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, 2 ** 50, 2 ** 53 - 1])]]),
    arch: rng.pick(['x86', 'arm64'] as const),
    confidentialVm: rng.bool(0.3),
    limitNareas: rng.bool(0.7),
    halvingOnMemblockFailure: rng.bool(0.7),
    forceBounceBeforeAlloc: rng.bool(0.7),
    dynamicOption: rng.bool(0.2),
    ...(rng.bool(0.3) ? { addressingLimit: rng.bool() } : {}),
    ...(rng.bool(0.2) ? { arm64KmallocBounce: rng.bool() } : {}),
    ...(rng.bool(0.3) ? { poolPhysAddr: rng.int(2 ** 40) * 4096 } : {}),
  };
  const allocLimit = rng.bool(0.3) ? rng.pick([0, 4096, 2 ** 20, 2 ** 26, 2 ** 30, rng.int(2 ** 32)]) : null;
  const remapLimit = rng.bool(0.15) ? rng.pick([0, 2 ** 20, 2 ** 26, rng.int(2 ** 32)]) : null;
  return { mode: 'boot', options, allocLimit, remapLimit };
}

/** API misuse the contract says must be a ContractError (never a bare RangeError/TypeError). */
function misuse(rng: Rng): ParamsInput {
  const bad = rng.pick<unknown>([0, -1, 1.5, NaN, Infinity, 2 ** 53, '4']);
  const options = rng.weighted<Record<string, unknown>>([
    [2, { cmdline: 'swiotlb=force', possibleCpus: bad, ramBytes: 2 ** 32, arch: 'x86' }],
    [2, { cmdline: 'swiotlb=force', possibleCpus: 4, ramBytes: bad === 0 ? -1 : bad, arch: 'x86' }],
    [1, { cmdline: 'swiotlb=force', params: parseSwiotlbParams('force'), possibleCpus: 4, ramBytes: 2 ** 32, arch: 'x86' }],
  ]);
  return { mode: 'misuse', options };
}

function generate(rng: Rng): FuzzCase<ParamsInput> {
  const dynamicOption = rng.bool(0.25);
  const input = rng.weighted<() => ParamsInput>([
    [30, () => ({ mode: 'values', values: Array.from({ length: rng.small(4) }, () => (rng.bool(0.05) ? null : swiotlbValue(rng))), dynamicOption, ...(rng.bool(0.5) ? { cpus: cpus(rng) } : {}) })],
    [25, () => ({ mode: 'cmdline', cmdline: kernelCmdline(rng), dynamicOption })],
    [30, () => ({ mode: 'explain', cmdline: kernelCmdline(rng), dynamicOption, ...(rng.bool(0.6) ? { cpus: cpus(rng) } : {}) })],
    [15, () => bootOptions(rng)],
    [0.2, () => misuse(rng)],
  ])();
  return { kind: input.mode, input };
}

function run(input: ParamsInput): Outcome {
  switch (input.mode) {
    case 'values': {
      const r = parseSwiotlbParams(input.values, { dynamicOption: input.dynamicOption });
      const f = explainSwiotlbParams(r, { dynamicOption: input.dynamicOption, ...(input.cpus !== undefined ? { possibleCpus: input.cpus } : {}) });
      return checkParse(r, input.values.length) ?? checkFindings(f) ?? OK;
    }
    case 'cmdline': {
      const r = parseKernelCmdline(input.cmdline, { dynamicOption: input.dynamicOption });
      return checkParse(r, r.args.filter((a) => a.param === 'swiotlb').length) ?? OK;
    }
    case 'explain': {
      const { result, findings } = explainKernelCmdline(input.cmdline, { dynamicOption: input.dynamicOption, ...(input.cpus !== undefined ? { possibleCpus: input.cpus } : {}) });
      return checkParse(result, result.occurrences.length) ?? checkFindings(findings) ?? OK;
    }
    case 'boot': {
      const { allocLimit, remapLimit } = input;
      const boot = computeBootPool({
        ...input.options,
        ...(allocLimit !== null ? { canAllocate: (bytes: number) => bytes <= allocLimit } : {}),
        ...(remapLimit !== null ? { canRemap: (bytes: number) => bytes <= remapLimit } : {}),
      });
      return checkBoot(boot) ?? OK;
    }
    case 'misuse':
      computeBootPool(input.options as unknown as BootPoolOptions);
      return OK;
  }
}

/** The `params` target. */
export const paramsTarget: Target<ParamsInput> = {
  name: 'params',
  salt: 1,
  init: async () => undefined,
  generate,
  run: (c) => guarded(() => run(c.input), (e) => classifyError(e)),
  save: (c) => ({ meta: { ...c.input, ...('options' in c.input ? { options: { ...c.input.options, params: undefined } } : {}) } }),
  dispose: () => undefined,
};
