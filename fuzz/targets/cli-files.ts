/**
 * The files the CLI target hands to `swiotlb-lab replay`: the smoke capture
 * plain and gzip, gzip cut short or damaged, empty, header only, without a
 * pool line, CRLF, a malformed line, a directory, a missing path, a name
 * that looks like an option, and a few mutated captures (from the run seed).
 *
 * @module
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Corpus } from '../corpus.js';
import { traceFile } from '../gen/file-mutate.js';
import { Rng } from '../rng.js';
import { scratchDir, scratchFile } from '../tmp.js';
import { referenceText } from './stream-expect.js';

/** Mutated captures written per run. */
const MUTATED = 12;

/** Whether a (maybe gzip) trace asks for a pool above 2^22 slots. */
function bigPool(bytes: Buffer): boolean {
  const text = referenceText(bytes).text?.toString('latin1') ?? '';
  return [...text.matchAll(/nslabs=(0[xX][0-9a-fA-F]+|\d+)/g)].some((m) => Number(m[1]) > 2 ** 22);
}

/**
 * Write the fixture files.
 *
 * @param corpus - The corpus.
 * @param seed - Run seed (the mutated captures depend on it).
 * @returns Paths, by a short name.
 * @remarks Context: process or worker context; writes into the scratch directory.
 */
export function writeCliFiles(corpus: Corpus, seed: number): Record<string, string> {
  const smoke = corpus.smokeText;
  const text = smoke.toString('utf8');
  const lines = text.split('\n');
  const gz = gzipSync(smoke);
  const flipped = Buffer.from(gz);
  const mid = Math.floor(gz.length / 2);
  flipped[mid] = (flipped[mid] ?? 0) ^ 0x40;
  const bad = [...lines];
  const i = bad.findIndex((l) => l.includes('map_found:'));
  bad[i] = (bad[i] ?? '').replace(/slot=\d+/, 'slot=abc');
  const files: Record<string, string> = {
    smoke: scratchFile('smoke.txt', smoke),
    smokeGz: scratchFile('smoke.txt.gz', gz),
    cutGz: scratchFile('cut.txt.gz', gz.subarray(0, gz.length - 37)),
    flipGz: scratchFile('flip.txt.gz', flipped),
    empty: scratchFile('empty.txt', Buffer.alloc(0)),
    header: scratchFile('header.txt', Buffer.from(lines.filter((l) => l.startsWith('#')).join('\n'))),
    noPool: scratchFile('nopool.txt', Buffer.from(lines.filter((l) => !l.includes(' pool: ')).join('\n'))),
    crlf: scratchFile('crlf.txt', Buffer.from(text.replace(/\n/g, '\r\n'))),
    badLine: scratchFile('bad.txt', Buffer.from(bad.join('\n'))),
    dashName: scratchFile('-x.txt', smoke),
    missing: join(scratchDir(), 'no-such-trace.txt'),
  };
  const dir = join(scratchDir(), 'a-directory');
  mkdirSync(dir, { recursive: true });
  files.dir = dir;
  const rng = new Rng(seed ^ 0x5eed);
  for (let k = 0; k < MUTATED; k++) {
    let f = traceFile(rng, corpus, 300);
    // Keep the pool small: these files run many times (see the known bug on eager pool allocation).
    while (bigPool(f.bytes)) f = traceFile(rng, corpus, 300);
    files[`mutated${k}`] = scratchFile(`mutated-${k}.trace`, f.bytes);
  }
  return files;
}
