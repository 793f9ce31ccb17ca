/**
 * Fuzz target `dmesg`: the kernel-log reader behind `swiotlb-lab explain`
 * (explainDmesg), on files from the oracle logs
 * (test/fixtures/oracle/<capture>/dmesg_swiotlb.txt) and lines built from the
 * messages it reads, mutated line by line and byte by byte (numbers out of
 * range, hex for decimal, lines cut short, timestamps missing or malformed,
 * CRLF, NULs, invalid UTF-8), a few overlong lines, a missing file and a
 * directory. Each case ends in a report that fits the file, or an error.
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { explainDmesg } from '../../src/lab/explain/dmesg.js';
import { ORACLE_DIR } from '../corpus.js';
import { classifyError, OK, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import { guarded, type FuzzCase, type Target } from '../target.js';
import { mutateBytes } from '../gen/bytes-mutate.js';
import { dmesgLine, dmesgMessage } from '../gen/dmesg-lines.js';
import { mutateLine } from '../gen/line-mutate.js';
import { overlong } from '../gen/strings.js';
import { removeScratch, scratchDir, scratchFile } from '../tmp.js';
import { checkReport } from './dmesg-checks.js';
import { classifyFileError } from './file-error.js';

/** One dmesg case: a file's bytes, or a path that is not a readable file. */
export type DmesgInput =
  | { readonly mode: 'file'; readonly bytes: Buffer; readonly ops: readonly string[] }
  | { readonly mode: 'path'; readonly path: 'missing' | 'directory' };

/** Strings the reader looks for, and bytes that break lines, inserted at random places. */
const TOKENS = ['[', ']', ' ', ':', '(', ')', '\r', '\n', '\0', '\t', 'swiotlb', 'software IO TLB: ', 'swiotlb buffer is full', '(sz: ', ' bytes), total ', ' (slots), used ', ' (slots)', 'area num ', 'mapped [mem ', 'MB)', 'Command line: ', '0x', '99999999999999999999', '\u00a0', '😀'];
/** Lengths of the overlong lines (the reader has no line limit). */
const OVERLONG = [1000, 20_000, 100_000, 350_000];

/** The lines of the oracle logs, by file. */
let logs: string[][] = [];

/** Lines to start from: an oracle log (or part of it), built lines, or both. */
function sourceLines(rng: Rng): string[] {
  const real = rng.pick(logs);
  const built = (): string[] => Array.from({ length: rng.weighted([[8, rng.range(1, 12)], [1, rng.range(13, 100)], [0.05, rng.range(101, 2000)]]) }, () => dmesgLine(rng));
  return rng.weighted<() => string[]>([
    [3, () => [...real]],
    [4, built],
    [3, () => {
      const out = [...real];
      for (const l of built()) out.splice(rng.int(out.length + 1), 0, l);
      return out;
    }],
  ])();
}

/** Join lines with LF, CRLF or a mix, with or without a final line ending. */
function joinLines(rng: Rng, lines: readonly string[], ops: string[]): Buffer {
  const eol = rng.weighted([[8, 'lf'], [1, 'crlf'], [1, 'mixed']]);
  if (eol !== 'lf') ops.push(eol);
  const text = lines.map((l, i) => (i === lines.length - 1 && rng.bool(0.2) ? l : `${l}${eol === 'crlf' || (eol === 'mixed' && rng.bool()) ? '\r\n' : '\n'}`)).join('');
  return Buffer.from(text, 'utf8');
}

function generate(rng: Rng): FuzzCase<DmesgInput> {
  const kind = rng.weighted([[12, 'real'], [40, 'built'], [45, 'mutated'], [0.2, 'overlong'], [0.2, 'path']]);
  if (kind === 'path') return { kind: 'dmesg-path', input: { mode: 'path', path: rng.pick(['missing', 'directory'] as const) } };
  const ops: string[] = [];
  let lines = kind === 'real' ? [...rng.pick(logs)] : sourceLines(rng);
  if (kind === 'mutated') {
    for (let n = rng.small(6); n > 0 && lines.length > 0; n--) {
      const i = rng.int(lines.length);
      lines[i] = mutateLine(rng, lines[i]!);
    }
    ops.push('lines');
  }
  if (kind === 'overlong') {
    // A message cut short, or any piece of one, repeated into one line.
    const m = dmesgMessage(rng) || 'x';
    const from = rng.bool() ? 0 : rng.int(m.length);
    const piece = m.slice(from, from + rng.range(1, from === 0 ? m.length : 60)) || m;
    lines = [...lines.slice(0, 3), overlong(piece, rng.pick(OVERLONG)), ...lines.slice(3)];
  }
  let bytes = joinLines(rng, lines, ops);
  if (kind === 'mutated' && rng.bool(0.5)) {
    const m = mutateBytes(rng, bytes, TOKENS);
    bytes = m.bytes;
    ops.push(...m.ops);
  }
  return { kind: `dmesg-${kind}`, input: { mode: 'file', bytes, ops } };
}

/** The prefix the reader's pool-size expression starts from (it backtracks over the rest of the line from each one). */
const MAPPED = Buffer.from('software IO TLB: mapped [mem ');

/** What makes a file expensive for the reader (names a slow case): the mapped prefix many times over, or an overlong line. */
function costNote(bytes: Buffer): string | undefined {
  let mapped = 0;
  for (let at = bytes.indexOf(MAPPED); at >= 0 && mapped < 1000; at = bytes.indexOf(MAPPED, at + 1)) mapped++;
  if (mapped >= 1000) return 'dmesg-mapped-prefix-repeated';
  let longest = 0;
  for (let at = 0, nl = 0; at < bytes.length; at = nl + 1) {
    nl = bytes.indexOf(10, at);
    if (nl < 0) nl = bytes.length;
    longest = Math.max(longest, nl - at);
  }
  return longest > 10_000 ? 'dmesg-overlong-line' : undefined;
}

async function run(input: DmesgInput): Promise<Outcome> {
  const path = input.mode === 'file' ? scratchFile('dmesg.txt', input.bytes) : join(scratchDir(), input.path === 'missing' ? 'no-such-dmesg.txt' : 'a-directory');
  if (input.mode === 'path' && input.path === 'directory') mkdirSync(path, { recursive: true });
  const bytes = input.mode === 'file' ? input.bytes : Buffer.alloc(0);
  const note = costNote(bytes);
  let o: Outcome;
  try {
    o = checkReport(await explainDmesg(path), bytes) ?? OK;
  } catch (e) {
    o = classifyFileError(e, path, 0, true);
  }
  return note === undefined ? o : { ...o, note };
}

/** The `dmesg` target. */
export const dmesgTarget: Target<DmesgInput> = {
  name: 'dmesg',
  salt: 6,
  init: async () => {
    logs = readdirSync(ORACLE_DIR).sort()
      .map((name) => join(ORACLE_DIR, name, 'dmesg_swiotlb.txt'))
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8').replace(/\n$/, '').split('\n'));
    if (logs.length === 0) throw new Error(`No dmesg_swiotlb.txt under ${ORACLE_DIR}`);
  },
  generate,
  run: (c) => guarded(() => run(c.input), (e) => classifyError(e)),
  save: (c) => (c.input.mode === 'file' ? { meta: { ...c.input, bytes: undefined, text: c.input.bytes.toString('utf8').slice(0, 2000) }, bytes: c.input.bytes } : { meta: { ...c.input } }),
  dispose: removeScratch,
};
