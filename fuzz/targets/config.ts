/**
 * Fuzz target `config`: run configuration files. loadConfigFile (TOML or
 * JSON by extension) then effectiveConfig, on files from the real ones
 * (examples/display-4k.toml, DEFAULT_RUN as JSON) and from generated
 * configs with every field right, wrong, on the edge or huge, written as
 * TOML or JSON and mutated byte by byte; effectiveConfig alone on the same
 * values in memory (NaN, dates and all, whatever JSON would make of them); a
 * missing file and a directory. An accepted config must reproduce itself
 * through JSON; a few are also run for at most 1 ms of simulated time.
 *
 * @module
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '../../src/lab/config-file.js';
import { DEFAULT_RUN, effectiveConfig, type RunConfig } from '../../src/lab/run-config.js';
import { classifyError, countLines, OK, type Outcome } from '../outcome.js';
import type { Rng } from '../rng.js';
import { guarded, type FuzzCase, type Target } from '../target.js';
import { mutateBytes } from '../gen/bytes-mutate.js';
import { editConfig } from '../gen/config-edit.js';
import { CONFIG_TOKENS, configText, type ConfigFormat } from '../gen/config-text.js';
import { configVocabulary, validConfig, type ConfigVocabulary } from '../gen/config-values.js';
import { removeScratch, scratchDir, scratchFile } from '../tmp.js';
import { checkReproduces } from './config-checks.js';
import { runSmall } from './config-run.js';
import { classifyFileError } from './file-error.js';

/** One config case: a file (its bytes and name), a path that is not a readable file, or a value for effectiveConfig alone. */
export type ConfigInput =
  | { readonly mode: 'file'; readonly ext: string; readonly bytes: Buffer; readonly ops: readonly string[]; readonly run: boolean }
  | { readonly mode: 'path'; readonly path: 'missing' | 'directory' }
  | { readonly mode: 'value'; readonly value: unknown; readonly where: string; readonly ops: readonly string[]; readonly run: boolean };

/** Share of accepted configs that are also run. */
const RUN_SHARE = 0.08;
const EXAMPLE = fileURLToPath(new URL('../../examples/display-4k.toml', import.meta.url));

let vocab: ConfigVocabulary | null = null;
/** The real configs: the example as TOML, the defaults as JSON. */
let real: { readonly text: Buffer; readonly format: ConfigFormat }[] = [];

/** A valid config with a few edits (none, often). */
function editedConfig(rng: Rng, v: ConfigVocabulary): { value: unknown; ops: string[] } {
  let value: unknown = validConfig(rng, v);
  const ops: string[] = [];
  for (let n = rng.weighted([[4, 0], [4, 1], [2, rng.small(3)]]); n > 0 && typeof value === 'object' && value !== null && !Array.isArray(value); n--) {
    const e = editConfig(rng, value as Record<string, unknown>, v);
    value = e.config;
    ops.push(e.op);
  }
  return { value, ops };
}

/** The file name's extension: mostly the format's own, sometimes the other one or neither. */
function extension(rng: Rng, format: ConfigFormat): string {
  return rng.weighted([[20, `.${format}`], [1, format === 'toml' ? '.json' : '.toml'], [1, rng.pick(['', '.TOML', '.conf', '.toml.bak', '.JSON'])]]);
}

function generate(rng: Rng): FuzzCase<ConfigInput> {
  const v = vocab!;
  const kind = rng.weighted([[45, 'fields'], [35, 'bytes'], [6, 'real'], [10, 'value'], [0.3, 'path']]);
  const run = rng.bool(RUN_SHARE);
  if (kind === 'path') return { kind: 'config-path', input: { mode: 'path', path: rng.pick(['missing', 'directory'] as const) } };
  if (kind === 'value') {
    const { value, ops } = editedConfig(rng, v);
    return { kind: 'config-value', input: { mode: 'value', value, where: rng.pick(['flags', 'config', 'x.toml', '']), ops, run } };
  }
  let source: { text: Buffer; format: ConfigFormat };
  const ops: string[] = [];
  if (kind === 'fields' || (kind === 'bytes' && rng.bool(0.5))) {
    const e = editedConfig(rng, v);
    ops.push(...e.ops);
    const t = configText(rng, e.value, rng.bool(0.6) ? 'toml' : 'json');
    source = { text: Buffer.from(t.text, 'utf8'), format: t.format };
  } else source = rng.pick(real);
  let bytes = source.text;
  if (kind === 'bytes') {
    const m = mutateBytes(rng, bytes, CONFIG_TOKENS[source.format]);
    bytes = m.bytes;
    ops.push(...m.ops);
  }
  return { kind: `config-${kind}`, input: { mode: 'file', ext: extension(rng, source.format), bytes, ops, run } };
}

/** Check an accepted config; run a few of them. */
function accepted(c: RunConfig, run: boolean): Outcome {
  return checkReproduces(c) ?? (run ? runSmall(c) : OK);
}

function run(input: ConfigInput): Outcome {
  if (input.mode === 'value') {
    let c: RunConfig;
    try {
      c = effectiveConfig(input.value, input.where);
    } catch (e) {
      return classifyFileError(e, input.where, 0, false);
    }
    return accepted(c, input.run);
  }
  const path = input.mode === 'path' ? join(scratchDir(), input.path === 'missing' ? 'no-such-config.toml' : 'a-directory.toml') : scratchFile(`config${input.ext}`, input.bytes);
  if (input.mode === 'path' && input.path === 'directory') mkdirSync(path, { recursive: true });
  // Lines as an editor shows them: an error just after a final LF is on the (empty) line after it.
  const lines = input.mode === 'file' ? countLines(input.bytes) + (input.bytes.at(-1) === 10 || input.bytes.length === 0 ? 1 : 0) : 0;
  let c: RunConfig;
  try {
    c = effectiveConfig(loadConfigFile(path), path);
  } catch (e) {
    return classifyFileError(e, path, lines, false);
  }
  return accepted(c, input.mode === 'file' && input.run);
}

/** The `config` target. */
export const configTarget: Target<ConfigInput> = {
  name: 'config',
  salt: 5,
  init: async () => {
    vocab = configVocabulary();
    real = [{ text: readFileSync(EXAMPLE), format: 'toml' }, { text: Buffer.from(JSON.stringify(DEFAULT_RUN, null, 2)), format: 'json' }];
  },
  generate,
  run: (c) => guarded(() => run(c.input), (e) => classifyError(e)),
  save: (c) => (c.input.mode === 'file' ? { meta: { ...c.input, bytes: undefined, text: c.input.bytes.toString('utf8').slice(0, 2000) }, bytes: c.input.bytes } : { meta: { ...c.input } }),
  dispose: removeScratch,
};
