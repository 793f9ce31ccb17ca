/**
 * The contract for an error about a file the user named (a config file, a
 * kernel log): an InputError whose message names the file, whose `file` (if
 * set) is that file and whose `line` (if set) is a line it has. Anything
 * else thrown is classified as usual (outcome.ts).
 *
 * @module
 */
import { InputError } from '../../src/util/errors.js';
import { classifyError, normalise, violation, type Outcome } from '../outcome.js';

/**
 * Classify what a reader of a named file threw.
 *
 * @param e - The thrown value.
 * @param file - The path the reader was given.
 * @param lineCount - Lines of the file (0 when it is not a readable file).
 * @param contractErrorOk - Whether a ContractError is a structured error here (else a violation: the input is a file, not an API call).
 * @returns An `error` outcome, or a crash or violation.
 * @remarks Context: any.
 */
export function classifyFileError(e: unknown, file: string, lineCount: number, contractErrorOk: boolean): Outcome {
  if (!(e instanceof InputError)) {
    const o = classifyError(e);
    return o.verdict === 'error' && !contractErrorOk ? violation(`contract_error_for_file_input: ${o.code}`, (e as Error).message) : o;
  }
  const rule = (name: string): Outcome => violation(`input_error_${name}: ${e.code}: ${normalise(e.message.split(file).join('<file>'))}`, `${e.message} (file=${String(e.file)}, line=${String(e.line)}, lines=${lineCount})`);
  if (!e.message.includes(file)) return rule('message_without_file');
  if (e.file !== undefined && e.file !== file) return rule('wrong_file');
  if (e.line !== undefined && (!Number.isSafeInteger(e.line) || e.line < 1)) return rule('bad_line_number');
  if (e.line !== undefined && e.line > Math.max(1, lineCount)) return rule('line_past_end');
  return { verdict: 'error', code: `InputError:${e.code}` };
}
