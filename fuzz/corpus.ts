/**
 * The real inputs the mutators start from: the bundled oracle captures of a
 * Linux 6.1 kernel (test/fixtures/oracle/*) and the captures the capture
 * script made on one (test/fixtures/script-captures/*: no in-lock probes, so
 * the replay decides maps at their returns) and on a 6.12 kernel
 * (test/fixtures/kernel-6.12/*: dma:* events), cut into windows of consecutive
 * lines so whole-stream cases stay small, plus every kind of line they hold.
 *
 * @module
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** Directory of the oracle captures. */
export const ORACLE_DIR = fileURLToPath(new URL('../test/fixtures/oracle/', import.meta.url));
/** Directory of the capture script's captures. */
export const SCRIPT_CAPTURES_DIR = fileURLToPath(new URL('../test/fixtures/script-captures/', import.meta.url));
/** Directory of the capture script's dma:* captures of a 6.12 kernel. */
export const KERNEL_612_DIR = fileURLToPath(new URL('../test/fixtures/kernel-6.12/', import.meta.url));
/** The plain-text capture (the only one stored uncompressed). */
export const SMOKE_TXT = join(ORACLE_DIR, 'nvme_smoke_smp2', 'trace.txt');

/** Lines taken from one capture. */
export interface TraceSample {
  /** Capture name, e.g. `nvme_force_smp2`. */
  readonly name: string;
  /** The `#` header block at the top. */
  readonly header: readonly string[];
  /** The first `pool:` line (every replay needs one). */
  readonly pool: string;
  /** Windows of consecutive lines from the start, middle and end. */
  readonly windows: readonly (readonly string[])[];
}

/** Everything the mutators draw from. */
export interface Corpus {
  readonly traces: readonly TraceSample[];
  /** Every line of every window, for line-level mutation. */
  readonly lines: readonly string[];
  /** The smoke capture as stored, plain and gzip. */
  readonly smokeText: Buffer;
  readonly smokeGzip: Buffer;
}

/** Lines per window, and windows per capture. */
const WINDOW = 600;
const WINDOWS = 5;

function sample(name: string, text: string): TraceSample {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  const header = all.slice(0, all.findIndex((l) => !l.startsWith('#')));
  const pool = all.find((l) => l.includes(' pool: ')) ?? '';
  const windows: string[][] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const from = Math.floor(((all.length - WINDOW) * w) / (WINDOWS - 1));
    windows.push(all.slice(Math.max(0, from), Math.max(0, from) + WINDOW));
  }
  // The area-full probes are rare: keep a window around the first one too.
  const full = all.findIndex((l) => l.includes('map_area_full:'));
  if (full >= 0) windows.push(all.slice(Math.max(0, full - 200), full + 400));
  return { name, header, pool, windows };
}

let cached: Corpus | null = null;

/**
 * Load the corpus (once per thread; about a second, most of it gunzip).
 *
 * @returns The corpus.
 * @throws Error when the oracle fixtures are missing.
 * @remarks Context: process or worker context; reads the fixtures synchronously.
 */
export function loadCorpus(): Corpus {
  if (cached !== null) return cached;
  const traces: TraceSample[] = [];
  for (const [dir, file] of [[ORACLE_DIR, 'trace.txt.gz'], [SCRIPT_CAPTURES_DIR, 'swiotlb-trace.txt.gz'], [KERNEL_612_DIR, 'swiotlb-trace.txt.gz']] as const) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const gz = join(dir, name, file);
      if (existsSync(gz)) traces.push(sample(name, gunzipSync(readFileSync(gz)).toString('utf8')));
    }
  }
  if (traces.length === 0) throw new Error(`No oracle captures under ${ORACLE_DIR}`);
  const smokeText = readFileSync(SMOKE_TXT);
  const smokeGzip = readFileSync(join(ORACLE_DIR, 'nvme_smoke_smp2', 'trace.txt.gz'));
  const lines = traces.flatMap((t) => [...t.header, t.pool, ...t.windows.flat()]);
  cached = { traces, lines, smokeText, smokeGzip };
  return cached;
}
