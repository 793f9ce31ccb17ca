/**
 * Save the first few crashing (or hanging) inputs to fuzz/crashes/: one
 * JSON file per input (target, case, seed, signature, detail and the input
 * itself) and, for byte-level inputs, the raw bytes beside it.
 *
 * @module
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding } from './harness.js';
import { knownBug } from './known-bugs.js';

/** Where crashing inputs go (gitignored). */
export const CRASH_DIR = fileURLToPath(new URL('./crashes/', import.meta.url));

/** A file-name-safe slug of a signature. */
function slug(code: string): string {
  return code.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 48);
}

/** JSON that survives NUL bytes, lone surrogates and Buffers. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  return value;
}

/**
 * Empty the crash directory (our own .json/.bin files only).
 *
 * @param dir - The directory.
 * @remarks Context: process context.
 */
export function clearCrashes(dir = CRASH_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/\.(json|bin)$/.test(f)) rmSync(join(dir, f));
}

/**
 * Save findings that carry an input.
 *
 * @param findings - Crashes and hangs, in the order found.
 * @param seed - Run seed (to reproduce).
 * @param max - Most inputs to save.
 * @param dir - The directory.
 * @returns Paths written (the .json of each).
 * @remarks Context: process context.
 */
export function saveFindings(findings: readonly Finding[], seed: number, max: number, dir = CRASH_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const f of findings) {
    if (paths.length >= max || f.saved === null) continue;
    const base = join(dir, `${f.target}-${f.index}-${slug(f.code)}`);
    const doc = {
      target: f.target,
      case: f.index,
      seed,
      kind: f.kind,
      verdict: f.verdict,
      signature: f.code,
      knownBug: knownBug(f.code)?.id ?? null,
      ms: Math.round(f.ms),
      reproduce: `npm run fuzz -- --target ${f.target} --seed ${seed} --case ${f.index}`,
      detail: f.detail,
      input: f.saved.meta,
      ...(f.saved.bytes !== undefined ? { bytesFile: `${base}.bin` } : {}),
    };
    writeFileSync(`${base}.json`, `${JSON.stringify(doc, replacer, 2)}\n`);
    if (f.saved.bytes !== undefined) writeFileSync(`${base}.bin`, f.saved.bytes);
    paths.push(`${base}.json`);
  }
  return paths;
}
