/**
 * `swiotlb-lab capture-script`: print a shell script that records, on the
 * user's own Linux machine, the kernel events `swiotlb-lab replay` reads.
 *
 * @module
 */
import { Command, Option } from 'commander';
import { CAPTURE_BOUNDS, CAPTURE_DEFAULTS, CAPTURE_MODES } from '../lab/capture/capture-options.js';
import { renderCaptureScript } from '../lab/capture/capture-script.js';
import { parseIntOption } from './options.js';

interface CaptureCliOptions {
  seconds: number;
  bufferKb: number;
  out: string;
  mode: string;
  command?: string;
}

/**
 * Add the capture-script command to a program.
 *
 * @param program - The root command.
 * @remarks Context: process context.
 */
export function registerCapture(program: Command): void {
  const s = CAPTURE_BOUNDS.seconds;
  const b = CAPTURE_BOUNDS.bufferKb;
  program
    .command('capture-script')
    .description('print a shell script that records the swiotlb/DMA events of the running kernel (run it as root on your machine) for replay')
    .option('--seconds <n>', `record at most n seconds (${s.min}..${s.max})`, (v) => parseIntOption(v, '--seconds'), CAPTURE_DEFAULTS.seconds)
    .option('--buffer-kb <n>', `ring buffer per CPU in KiB (${b.min}..${b.max})`, (v) => parseIntOption(v, '--buffer-kb'), CAPTURE_DEFAULTS.bufferKb)
    .option('--out <file>', 'trace file the script writes (gzipped to <file>.gz)', CAPTURE_DEFAULTS.out)
    .addOption(new Option('--mode <mode>', 'what to record; auto decides on the machine').choices([...CAPTURE_MODES]).default(CAPTURE_DEFAULTS.mode))
    .option('--command <cmd>', 'shell command to run while recording (stopped at --seconds)')
    .action((o: CaptureCliOptions) => {
      const script = renderCaptureScript({
        seconds: o.seconds,
        bufferKb: o.bufferKb,
        out: o.out,
        mode: o.mode,
        ...(o.command !== undefined ? { command: o.command } : {}),
      });
      process.stdout.write(script);
    });
}
