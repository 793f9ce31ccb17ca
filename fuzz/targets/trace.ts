/**
 * Fuzz target `trace`: the ftrace reader. Most cases are single lines for
 * parseTraceLine (real oracle lines mutated, lines built from the field
 * grammar, junk); a few percent are whole streams for readTrace (plain or
 * gzip, damaged, fed in random chunk sizes or from a file), checked against a
 * one-shot reference parse (stream-expect.ts).
 *
 * @module
 */
import { Readable } from 'node:stream';
import { parseTraceLine, readTrace, type TraceReadStats } from '../../src/lab/trace/index.js';
import { loadCorpus, type Corpus } from '../corpus.js';
import { classifyError, OK, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import { guarded, type FuzzCase, type Target } from '../target.js';
import { grammarLine, otherLine } from '../gen/lines.js';
import { mutateLine } from '../gen/line-mutate.js';
import { traceFile } from '../gen/file-mutate.js';
import { removeScratch, scratchFile } from '../tmp.js';
import { checkParsedLine } from './event-checks.js';
import { compareStream } from './stream-compare.js';
import { expectStream } from './stream-expect.js';

/** One trace case. */
export type TraceInput =
  | { readonly mode: 'line'; readonly line: string; readonly lineNo: number; readonly file: string }
  | { readonly mode: 'stream'; readonly bytes: Buffer; readonly ops: readonly string[]; readonly chunk: number; readonly jitter: boolean; readonly viaFile: boolean; readonly lenient: boolean };

let corpus: Corpus | null = null;

function lineCase(rng: Rng, c: Corpus): FuzzCase<TraceInput> {
  const kind = rng.weighted([[10, 'line-mutated'], [5, 'line-grammar'], [1, 'line-other'], [1, 'line-real']]);
  const line = kind === 'line-mutated' ? mutateLine(rng, rng.pick(c.lines))
    : kind === 'line-grammar' ? grammarLine(rng)
      : kind === 'line-other' ? otherLine(rng)
        : rng.pick(c.lines);
  const lineNo = rng.weighted([[8, rng.range(1, 1000)], [1, rng.range(1, 2 ** 31)], [1, Number.MAX_SAFE_INTEGER]]);
  return { kind, input: { mode: 'line', line, lineNo, file: rng.bool(0.5) ? '<input>' : 'fuzz.txt' } };
}

function streamCase(rng: Rng, c: Corpus): FuzzCase<TraceInput> {
  const f = traceFile(rng, c, 400);
  const chunk = rng.weighted([[3, 1 << 20], [3, rng.range(1, 64)], [3, rng.range(65, 8192)], [1, rng.range(8193, 1 << 16)]]);
  const kind = `stream-${f.ops.find((o) => o.startsWith('gzip-')) ?? (f.ops.includes('gzip') ? 'gzip' : f.ops.length > 1 ? 'edited' : 'plain')}`;
  return { kind, input: { mode: 'stream', bytes: f.bytes, ops: f.ops, chunk, jitter: rng.bool(0.5), viaFile: rng.bool(0.1), lenient: rng.bool(0.3) } };
}

/**
 * Split bytes into chunks of about `size`, optionally of varying size. At most
 * 2000 chunks: the reader re-copies a partial line per chunk, so a 1 MiB line in
 * tiny chunks is quadratic (about 1 s at 128-byte chunks; see the report).
 */
function chunks(bytes: Buffer, size: number, jitter: boolean): Buffer[] {
  const step = Math.max(size, Math.ceil(bytes.length / 2000));
  const out: Buffer[] = [];
  let k = 0;
  for (let at = 0; at < bytes.length; k++) {
    const n = jitter ? 1 + ((k * 7919) % (2 * step)) : step;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function runStream(input: Extract<TraceInput, { mode: 'stream' }>): Promise<Outcome> {
  const file = input.viaFile ? scratchFile('stream.trace', input.bytes) : 'fuzz-stream.txt';
  const expected = expectStream(input.bytes, file);
  const delivered: string[] = [];
  let stats: TraceReadStats;
  const onEvent = (ev: { kind: string; line: number }): void => void delivered.push(`${ev.kind}@${ev.line}`);
  try {
    const source = input.viaFile ? file : Readable.from(chunks(input.bytes, input.chunk, input.jitter));
    stats = await readTrace(source, { file, lenient: input.lenient, onEvent });
  } catch (e) {
    const o = classifyError(e, expected.text === null ? { file } : { file, lineCount: expected.lines });
    return o.verdict !== 'error' ? o : compareStream(expected, { error: e, delivered, lenient: input.lenient });
  }
  return compareStream(expected, { stats, delivered, lenient: input.lenient });
}

/** The `trace` target. */
export const traceTarget: Target<TraceInput> = {
  name: 'trace',
  salt: 2,
  init: async () => {
    corpus = loadCorpus();
  },
  generate: (rng) => (rng.bool(0.03) ? streamCase(rng, corpus!) : lineCase(rng, corpus!)),
  run: (c) => {
    const input = c.input;
    if (input.mode === 'stream') return guarded(() => runStream(input), (e) => classifyError(e));
    return guarded(() => {
      const r = parseTraceLine(input.line, input.lineNo, input.file);
      return checkParsedLine(r, input.lineNo) ?? OK;
    }, (e) => classifyError(e, { file: input.file, lineNo: input.lineNo }));
  },
  save: (c) => (c.input.mode === 'line' ? { meta: { ...c.input } } : { meta: { ...c.input, bytes: undefined }, bytes: c.input.bytes }),
  dispose: removeScratch,
};
