/**
 * Load a run configuration from a JSON or TOML file.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { InputError } from '../util/errors.js';

/**
 * Read and parse a config file (TOML when it ends in .toml, else JSON).
 *
 * @param path - File path.
 * @returns The parsed value (validated later by effectiveConfig()).
 * @throws InputError (codes `unreadable`, `bad_config`) with the file and, where the parser gives it, the line.
 * @remarks Context: process context.
 */
export function loadConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError('unreadable', `Cannot read config file '${path}'`);
  }
  if (path.endsWith('.toml')) {
    try {
      return parseToml(text);
    } catch (e) {
      const err = e as { message?: string; line?: number };
      throw new InputError('bad_config', `Cannot parse TOML: ${String(err.message ?? e).split('\n')[0]}`, { file: path, ...(typeof err.line === 'number' ? { line: err.line } : {}) });
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    throw new InputError('bad_config', `Cannot parse JSON: ${(e as Error).message}`, { file: path, ...(line !== undefined ? { line } : {}) });
  }
}
