/**
 * Options of the generated capture script, their bounds and their
 * validation. The same bounds are checked again by the script itself for
 * options given when it runs, so the two can never disagree.
 *
 * @module
 */
import { InputError } from '../../util/errors.js';

/** How the script chooses what to record; `auto` decides on the machine it runs on. */
export type CaptureMode = 'auto' | 'dma-events' | 'kprobes' | 'bounced';

/** Every mode, in the order the help text lists them. */
export const CAPTURE_MODES: readonly CaptureMode[] = ['auto', 'dma-events', 'kprobes', 'bounced'];

/** Bounds of the numeric options (inclusive). */
export const CAPTURE_BOUNDS = {
  /** Recording time: 1 s to one day. */
  seconds: { min: 1, max: 86_400 },
  /** Ring buffer per CPU in KiB: 64 KiB to 1 GiB. */
  bufferKb: { min: 64, max: 1_048_576 },
} as const;

/** Longest --out path and --command text accepted (bytes of UTF-16 text). */
export const CAPTURE_MAX_TEXT = 4096;

/** Defaults: 30 s, 8 MiB per CPU, ./swiotlb-trace.txt, auto, no command. */
export const CAPTURE_DEFAULTS = { seconds: 30, bufferKb: 8192, out: './swiotlb-trace.txt', mode: 'auto' } as const;

/** Validated options baked into a script as the defaults of its own options. */
export interface CaptureOptions {
  /** Longest recording, in seconds (the command is stopped at this limit). */
  readonly seconds: number;
  /** Per-CPU ring buffer size in KiB. */
  readonly bufferKb: number;
  /** Output file; `.gz` is appended by gzip unless the name already ends with it. */
  readonly out: string;
  /** What to record. */
  readonly mode: CaptureMode;
  /** Shell command to run while recording (as root, under `timeout`), or null to just wait. */
  readonly command: string | null;
}

/** Unvalidated input, e.g. from the command line; missing fields take the defaults. */
export interface CaptureOptionsInput {
  seconds?: number;
  bufferKb?: number;
  out?: string;
  mode?: string;
  command?: string;
}

function checkInt(value: number, flag: string, b: { min: number; max: number }, unit: string): number {
  if (!Number.isSafeInteger(value) || value < b.min || value > b.max) {
    throw new InputError('bad_option', `Cannot use ${flag} ${String(value)}: expected a whole number of ${unit} from ${b.min} to ${b.max}`);
  }
  return value;
}

function checkText(value: string, flag: string, what: string): string {
  if (value.length === 0) throw new InputError('bad_option', `Cannot use an empty ${flag}: expected ${what}`);
  if (value.length > CAPTURE_MAX_TEXT) throw new InputError('bad_option', `Cannot use ${flag} of ${value.length} characters: at most ${CAPTURE_MAX_TEXT}`);
  if (value.includes('\0')) throw new InputError('bad_option', `Cannot use ${flag} with a NUL character`);
  return value;
}

/**
 * Check capture options against their bounds and fill in the defaults.
 *
 * @param input - Options as given; absent ones take {@link CAPTURE_DEFAULTS}.
 * @returns The options to bake into the script.
 * @throws InputError (code `bad_option`) naming the option, the value and the accepted range.
 * @remarks Context: any; pure.
 */
export function validateCaptureOptions(input: CaptureOptionsInput): CaptureOptions {
  const seconds = checkInt(input.seconds ?? CAPTURE_DEFAULTS.seconds, '--seconds', CAPTURE_BOUNDS.seconds, 'seconds');
  const bufferKb = checkInt(input.bufferKb ?? CAPTURE_DEFAULTS.bufferKb, '--buffer-kb', CAPTURE_BOUNDS.bufferKb, 'KiB');
  const out = checkText(input.out ?? CAPTURE_DEFAULTS.out, '--out', 'a file path');
  if (/[\n\r]/.test(out)) throw new InputError('bad_option', 'Cannot use an --out path with a line break');
  if (out.endsWith('/')) throw new InputError('bad_option', `Cannot use --out '${out}': expected a file, not a directory`);
  const mode = input.mode ?? CAPTURE_DEFAULTS.mode;
  if (!(CAPTURE_MODES as readonly string[]).includes(mode)) {
    throw new InputError('bad_option', `Cannot use --mode '${mode}': expected one of ${CAPTURE_MODES.join(', ')}`);
  }
  const command = input.command === undefined ? null : checkText(input.command, '--command', 'a shell command');
  return { seconds, bufferKb, out, mode: mode as CaptureMode, command };
}
