/**
 * The capture script as a whole: a POSIX shell script that a user runs as
 * root on their own Linux machine to record, with tracefs only, the events
 * `swiotlb-lab replay` reads, choosing them by what the running kernel
 * offers (dma:* events on 6.12+, the oracle's generic kprobes on older
 * x86_64 kernels, else swiotlb:swiotlb_bounced alone).
 *
 * Order of the parts, and why: options are parsed and checked first; the
 * restore trap is set before tracefs is mounted or anything is written;
 * the mode is decided before the first write; everything written is
 * recorded so that exactly that is undone.
 *
 * @module
 */
import { validateCaptureOptions, type CaptureOptionsInput } from './capture-options.js';
import { scriptLocate, scriptMode, scriptState } from './script-env.js';
import { scriptArgs, scriptHeader } from './script-head.js';
import { scriptOffsets, scriptProbes } from './script-probes.js';
import { scriptSites } from './script-sites.js';
import { scriptFinish, scriptRecord, scriptSetup } from './script-record.js';

/**
 * Generate the capture script.
 *
 * @param input - Options to bake in as the script's defaults (the script
 *   accepts the same options again when it runs); absent ones take the defaults.
 * @returns The script text, ending with a newline.
 * @throws InputError (code `bad_option`) for an option out of its bounds.
 * @remarks Context: any; pure (the same options give the same text).
 */
export function renderCaptureScript(input: CaptureOptionsInput): string {
  const o = validateCaptureOptions(input);
  const parts: [string, string][] = [
    ['', scriptHeader(o)],
    ['options given when run', scriptArgs()],
    ['saved state and its restore on exit', scriptState()],
    ['tracefs, kernel and machine', scriptLocate()],
    ['mode', scriptMode()],
    ['struct offsets', scriptOffsets()],
    ['probes and events', scriptProbes()],
    ['probe places', scriptSites()],
    ['setup', scriptSetup()],
    ['record', scriptRecord()],
    ['write, restore, report', scriptFinish()],
  ];
  return parts.map(([title, text]) => (title === '' ? text : `# ---- ${title}\n${text}`)).join('\n');
}
