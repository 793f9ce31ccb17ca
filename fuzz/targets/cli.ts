/**
 * Fuzz target `cli`: `main(argv)` of swiotlb-lab in this thread, with
 * process.stdout/stderr captured. Arguments start from the real commands
 * (`params`, `replay`) and options with right, wrong and edge values, then
 * get elements deleted, duplicated, swapped or replaced.
 *
 * `replay` is always followed by a fixture file: with no trace it would
 * replay the bundled captures (seconds per case).
 *
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import { loadCorpus } from '../corpus.js';
import { classifyError, countLines, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import type { FuzzCase, Target } from '../target.js';
import { kernelCmdline } from '../gen/cmdline.js';
import { numberText, randomText } from '../gen/strings.js';
import { removeScratch } from '../tmp.js';
import { writeCliFiles } from './cli-files.js';
import { checkCli } from './cli-checks.js';
import { referenceText } from './stream-expect.js';

/** One CLI case: the arguments after the program name. */
export interface CliInput {
  readonly argv: readonly string[];
}

let files: Record<string, string> = {};
/** Line count of each fixture file that decompresses, by path. */
let lineCounts = new Map<string, number>();

const KERNELS = ['6.1', '6.1.0', '6.6.0', '6.6.24', '6.9', '6.12', '6.2', '', 'latest', '6.1 '];
const SIZES = ['4G', '8G', '2048M', '1T', '64', '0', '1', '4096', '1 G', '1GiB', '1gb', '99999999T', '-1G', 'x', '', '0x10', '9007199254740993'];
const COUNTS = ['1', '2', '4', '0', '-1', '1.5', '0x10', '0x', '4294967296', '9007199254740991', '9007199254740992', 'abc', '', ' 4', '١'];
const POOL_SLABS = ['128', '1024', '32768', '0', '3', '100', '2147483648', '4294967296', 'x'];

function option(rng: Rng, cmd: 'params' | 'replay'): string[] {
  if (cmd === 'params') {
    return rng.weighted<() => string[]>([
      [2, () => ['--kernel', rng.pick(KERNELS)]],
      [3, () => ['--cpus', rng.bool(0.7) ? rng.pick(COUNTS) : numberText(rng)]],
      [2, () => ['--ram', rng.pick(SIZES)]],
      [1, () => ['--confidential']],
      [1, () => ['--arch', rng.pick(['x86', 'arm64', 'riscv', ''])]],
      [2, () => ['--json']],
      [1, () => [rng.pick(['--debug', '--help', '-h', '--version', '--foo', '-x', '--', '--cpus=2', '--json=1'])]],
    ])();
  }
  return rng.weighted<() => string[]>([
    [2, () => ['--kernel', rng.pick(KERNELS)]],
    [2, () => ['--json']],
    [1, () => ['--lenient']],
    [1, () => ['--scan']],
    [1, () => ['--pool-start', rng.pick(['0', '0x79900000', '0x800', '0x7ff', '-1', '0x', numberText(rng)])]],
    [1, () => ['--nslabs', rng.pick(POOL_SLABS)]],
    [1, () => ['--nareas', rng.pick(COUNTS)]],
    [1, () => [rng.pick(Object.values(files))]],
    [1, () => [rng.pick(['--debug', '--help', '--foo', '--', '-', '--json=1', '--nslabs'])]],
  ])();
}

function mutateArgv(rng: Rng, argv: string[]): void {
  const fixed = argv[0] === 'replay' ? 2 : 1;
  for (let k = rng.small(3); k > 0 && argv.length > fixed; k--) {
    const i = rng.range(fixed, argv.length - 1);
    rng.weighted<() => void>([
      [2, () => void argv.splice(i, 1)],
      [1, () => void argv.splice(i, 0, argv[i] ?? '')],
      [1, () => void argv.splice(i, 0, randomText(rng, 8))],
      [1, () => { argv[i] = randomText(rng, 8); }],
      [1, () => {
        const j = rng.range(fixed, argv.length - 1);
        [argv[i], argv[j]] = [argv[j] ?? '', argv[i] ?? ''];
      }],
    ])();
  }
}

function generate(rng: Rng): FuzzCase<CliInput> {
  const kind = rng.weighted<'params' | 'replay' | 'other'>([[5, 'params'], [4, 'replay'], [1, 'other']]);
  let argv: string[];
  if (kind === 'other') {
    argv = rng.pick<() => string[]>([() => [], () => ['--help'], () => ['help'], () => ['help', 'params'], () => ['bogus'], () => ['--debug'], () => [randomText(rng, 10)], () => ['params'], () => ['--version']])();
  } else {
    argv = kind === 'params' ? ['params', ...(rng.bool(0.7) ? [kernelCmdline(rng)] : kernelCmdline(rng).split(' '))] : ['replay', rng.pick(Object.values(files))];
    for (let k = rng.small(5) - 1; k > 0; k--) argv.push(...option(rng, kind));
    if (rng.bool(0.3)) mutateArgv(rng, argv);
  }
  // Never let `replay` go without a trace (it would replay the bundled captures).
  for (let i = argv.indexOf('replay'); i >= 0; i = argv.indexOf('replay', i + 2)) {
    if (!Object.values(files).includes(argv[i + 1] ?? '')) argv.splice(i + 1, 0, files.smoke!);
  }
  return { kind: `cli-${kind}`, input: { argv } };
}

async function run(input: CliInput): Promise<Outcome> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const saved = [stdout.write, stderr.write] as const;
  stdout.write = ((chunk: string | Uint8Array) => out.push(String(chunk)) > 0) as typeof stdout.write;
  stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof stderr.write;
  let code: number;
  try {
    code = await main([...input.argv]);
  } catch (e) {
    return classifyError(e);
  } finally {
    [stdout.write, stderr.write] = saved;
  }
  return checkCli(input.argv, code, out.join(''), err.join(''), (path) => lineCounts.get(path));
}

/** The `cli` target. */
export const cliTarget: Target<CliInput> = {
  name: 'cli',
  salt: 4,
  init: async (seed) => {
    files = writeCliFiles(loadCorpus(), seed);
    lineCounts = new Map();
    for (const path of Object.values(files)) {
      const text = existsSync(path) && statSync(path).isFile() ? referenceText(readFileSync(path)).text : null;
      if (text !== null) lineCounts.set(path, countLines(text));
    }
  },
  generate,
  run: (c) => run(c.input),
  save: (c) => ({ meta: { argv: c.input.argv } }),
  dispose: removeScratch,
};
