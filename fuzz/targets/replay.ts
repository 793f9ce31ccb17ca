/**
 * Fuzz target `replay`: the replay engine (ReplayEngine.onEvent, fed event
 * by event from parsed lines) and whole-file replays (replayTraceFile, plain
 * and gzip, truncated and damaged), from windows of the oracle captures with
 * text and meaning-changing edits.
 *
 * @module
 */
import { ReplayEngine, type ReplayEngineOptions } from '../../src/lab/replay/replay-engine.js';
import { replayTraceFile } from '../../src/lab/replay/replay-file.js';
import { parseTraceLine } from '../../src/lab/trace/index.js';
import { InputError } from '../../src/util/errors.js';
import { loadCorpus, type Corpus } from '../corpus.js';
import { classifyError, countLines, OK, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import { guarded, type FuzzCase, type Target } from '../target.js';
import { sourceLines, traceFile } from '../gen/file-mutate.js';
import { mutateLine } from '../gen/line-mutate.js';
import { asksForHugePool, BIG_POOL_PROBE, semanticEdits } from '../gen/replay-mutate.js';
import { removeScratch, scratchFile } from '../tmp.js';
import { checkEngine, checkFileReplay } from './replay-checks.js';
import { referenceText } from './stream-expect.js';

/** Options both modes share (the pool geometry is always valid, except 0 slots: bad options are the CLI target's job). */
interface ReplayOpts {
  readonly kernel: string;
  readonly lenient: boolean;
  readonly searchImpl: 'fast' | 'scan';
  readonly pool?: { start: number; nslabs: number; nareas: number; force?: boolean };
}

/** One replay case. */
export type ReplayInput =
  | { readonly mode: 'engine'; readonly lines: readonly string[]; readonly opts: ReplayOpts }
  | { readonly mode: 'file'; readonly bytes: Buffer; readonly ops: readonly string[]; readonly opts: ReplayOpts };

const KERNELS = ['6.1', '6.1', '6.1', '6.1.0', '6.6.0', '6.6.24', '6.9', '6.12'];
const FILE = 'fuzz-replay.txt';
let corpus: Corpus | null = null;

function opts(rng: Rng): ReplayOpts {
  const pool = rng.bool(0.15)
    ? { start: rng.pick([0, 0x79900000, 0x800]), nslabs: rng.pick([0, 128, 1024, 32768, 65536]), nareas: rng.pick([1, 2, 4]), ...(rng.bool() ? { force: rng.bool() } : {}) }
    : undefined;
  return { kernel: rng.bool(0.01) ? rng.pick(['9.9', '', '6.1 ']) : rng.pick(KERNELS), lenient: rng.bool(0.3), searchImpl: rng.bool(0.1) ? 'scan' : 'fast', ...(pool ? { pool } : {}) };
}

function engineCase(rng: Rng, c: Corpus): FuzzCase<ReplayInput> {
  const lines = sourceLines(rng, c, 300);
  const ops = semanticEdits(rng, lines, 0x79900000);
  for (let k = rng.weighted([[3, 0], [1, rng.small(4)]]); k > 0; k--) {
    const i = rng.int(lines.length);
    lines[i] = mutateLine(rng, lines[i] ?? '');
    ops.push('text');
  }
  if (rng.bool(0.2)) lines.splice(rng.int(lines.length), rng.small(10));
  if (rng.bool(0.0002)) {
    // A rare probe of the eager pool allocation (known bug K9): a pool line with 2^28 slots.
    for (let i = 0; i < lines.length; i++) lines[i] = lines[i]!.includes(' pool: ') ? lines[i]!.replace(/nslabs=\d+ nareas=\d+/, `nslabs=${BIG_POOL_PROBE} nareas=1`) : lines[i]!;
    ops.push('big-pool');
  }
  return { kind: `engine-${ops.length === 0 ? 'real' : ops.includes('text') ? 'text' : 'semantic'}`, input: { mode: 'engine', lines, opts: opts(rng) } };
}

function fileCase(rng: Rng, c: Corpus): FuzzCase<ReplayInput> {
  const f = traceFile(rng, c, 300);
  const kind = f.ops.find((o) => o.startsWith('gzip-')) ?? (f.ops.includes('gzip') ? 'gzip' : f.ops.length > 1 ? 'edited' : 'plain');
  return { kind: `file-${kind}`, input: { mode: 'file', bytes: f.bytes, ops: f.ops, opts: opts(rng) } };
}

function engineOptions(o: ReplayOpts): ReplayEngineOptions {
  return { kernel: o.kernel, lenient: o.lenient, searchImpl: o.searchImpl, ...(o.pool ? { pool: o.pool } : {}) };
}

function runEngine(lines: readonly string[], o: ReplayOpts): Outcome {
  const engine = new ReplayEngine(FILE, engineOptions(o));
  const origin = { file: FILE, lineCount: lines.length };
  for (let i = 0; i < lines.length; i++) {
    let r;
    try {
      r = parseTraceLine(lines[i]!, i + 1, FILE);
    } catch (e) {
      if (e instanceof InputError) continue; // the reader's lenient mode skips it too
      return classifyError(e, origin);
    }
    if (r.type !== 'event') continue;
    const ev = r.event;
    if (ev.kind === 'pool' && ev.nslabs > BIG_POOL_PROBE && ev.nslabs <= 0x7fffffff) return { verdict: 'skipped', code: 'skipped:huge_pool' };
    try {
      engine.onEvent(ev);
    } catch (e) {
      return classifyError(e, origin);
    }
  }
  return checkEngine(engine, lines.length) ?? OK;
}

async function runFile(bytes: Buffer, o: ReplayOpts): Promise<Outcome> {
  const { text, gzipError } = referenceText(bytes);
  if (text !== null && asksForHugePool(text.toString('latin1'))) return { verdict: 'skipped', code: 'skipped:huge_pool' };
  const path = scratchFile('replay.trace', bytes);
  try {
    const result = await replayTraceFile(path, { ...engineOptions(o), lenient: o.lenient });
    return checkFileReplay(result, path, text, gzipError, engineOptions(o), o.lenient);
  } catch (e) {
    return classifyError(e, { file: path, ...(text !== null ? { lineCount: countLines(text) } : {}) });
  }
}

/** The `replay` target. */
export const replayTarget: Target<ReplayInput> = {
  name: 'replay',
  salt: 3,
  init: async () => {
    corpus = loadCorpus();
  },
  generate: (rng) => (rng.bool(0.25) ? fileCase(rng, corpus!) : engineCase(rng, corpus!)),
  run: async (c) => {
    const input = c.input;
    const o = await guarded(() => (input.mode === 'engine' ? runEngine(input.lines, input.opts) : runFile(input.bytes, input.opts)), (e) => classifyError(e));
    const text = input.mode === 'engine' ? input.lines.join('\n') : referenceText(input.bytes).text?.toString('latin1') ?? '';
    return asksForHugePool(text, 2 ** 24) ? { ...o, note: 'big_pool' } : o;
  },
  save: (c) => (c.input.mode === 'engine' ? { meta: { ...c.input, lines: undefined }, bytes: Buffer.from(`${c.input.lines.join('\n')}\n`) } : { meta: { ...c.input, bytes: undefined }, bytes: c.input.bytes }),
  dispose: removeScratch,
};
