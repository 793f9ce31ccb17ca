/**
 * Checks on one run of the CLI: exit code 0, 1 or 2; no "internal error"
 * (an exception the CLI did not expect); no stack trace without `--debug`;
 * a message for every failure; an error naming `file:line` names a line the
 * file has; and with `--json`, exactly one JSON document.
 *
 * @module
 */
import { normalise, violation, type Outcome } from '../outcome.js';

/** zlib's messages for a gzip stream cut short, and for a damaged one. */
const ZLIB_TRUNCATED = /^unexpected end of file/;
const ZLIB_CORRUPT = /^(incorrect (data|header|length) check|unknown compression method|invalid [a-z/ ]+|too many length or distance symbols|header crc mismatch)/;

/** Options of either command that take a value (the next argument is not a flag). */
const TAKES_VALUE = new Set(['--kernel', '--cpus', '--ram', '--arch', '--pool-start', '--nslabs', '--nareas']);

/** Whether `--json` is in effect: present before any `--`, not eaten as another option's value, no help. */
function jsonRequested(argv: readonly string[]): boolean {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const head = argv.slice(0, end);
  if (head.some((a) => a === '--help' || a === '-h' || a === 'help')) return false;
  return head.some((a, i) => a === '--json' && !TAKES_VALUE.has(head[i - 1] ?? ''));
}

/**
 * Check what the CLI did.
 *
 * @param argv - The arguments.
 * @param code - main()'s return value.
 * @param stdout - Everything written to stdout.
 * @param stderr - Everything written to stderr.
 * @param linesOf - Line count of a fixture file by path (undefined for other paths).
 * @returns The outcome (`exit:<n>[:usage|:input]`) or a violation.
 * @remarks Context: any.
 */
export function checkCli(argv: readonly string[], code: number, stdout: string, stderr: string, linesOf: (path: string) => number | undefined): Outcome {
  if (code !== 0 && code !== 1 && code !== 2) return violation('cli_exit_code', `exit ${code}`);
  const internal = /internal error: (.*)/.exec(stderr);
  if (internal !== null) {
    const msg = internal[1] ?? '';
    const sig = ZLIB_TRUNCATED.test(msg) ? 'zlib: gzip stream cut short' : ZLIB_CORRUPT.test(msg) ? 'zlib: gzip stream damaged' : normalise(msg);
    return { verdict: 'crash', code: `cli-internal-error: ${sig}`, detail: `argv ${JSON.stringify(argv)}\n${stderr}` };
  }
  if (!argv.includes('--debug') && /^\s+at .*:\d+:\d+\)?$/m.test(stderr + stdout)) return violation('cli_stack_trace', stderr.slice(0, 400));
  if (code === 2 && stderr.trim() === '') return violation('cli_silent_failure', `exit 2 with nothing on stderr for ${JSON.stringify(argv)}`);
  const at = /^swiotlb-lab: error: (.+?):(\d+): /.exec(stderr);
  const lines = at === null ? undefined : linesOf(at[1] ?? '');
  if (at !== null && lines !== undefined && (Number(at[2]) < 1 || Number(at[2]) > Math.max(1, lines))) {
    return violation('cli_error_line_past_end', `${stderr.trim().slice(0, 200)} (the file has ${lines} lines)`);
  }
  if (code !== 2 && jsonRequested(argv) && stdout !== '') {
    try {
      JSON.parse(stdout);
    } catch (e) {
      return violation('cli_json', `--json printed something that is not one JSON document (${(e as Error).message}): ${stdout.slice(0, 120)}`);
    }
  }
  const kind = code !== 2 ? '' : stderr.startsWith('swiotlb-lab: error:') ? ':input' : ':usage';
  return { verdict: code === 2 ? 'error' : 'ok', code: `exit:${code}${kind}` };
}
