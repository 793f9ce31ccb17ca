/**
 * The swiotlb-lab command line: parses arguments, runs one command, maps
 * errors to exit codes (0 ok, 1 a check failed, 2 usage or input error).
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { InputError, ContractError } from '../util/errors.js';
import { registerReplay } from './replay-command.js';
import { registerExplain, registerParams } from './params-command.js';
import { registerLab } from './lab-commands.js';
import { registerSweep } from './sweep-command.js';
import { registerCapture } from './capture-command.js';
import { ExitCode } from './exit-code.js';

/**
 * Run the CLI.
 *
 * @param argv - Arguments after the program name.
 * @returns The process exit code.
 * @remarks Context: process context (the CLI's main).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  const debug = argv.includes('--debug');
  program
    .name('swiotlb-lab')
    .description('A decision-exact model of the Linux software IO TLB (swiotlb) and a laboratory for its designs')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .showHelpAfterError(false);
  registerReplay(program);
  registerParams(program);
  registerExplain(program);
  registerLab(program);
  registerSweep(program);
  registerCapture(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof ExitCode) return e.code;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return 2;
    }
    if (e instanceof InputError || e instanceof ContractError) {
      process.stderr.write(`swiotlb-lab: error: ${e.message}\n`);
      if (debug) process.stderr.write(`${e.stack ?? ''}\n`);
      return 2;
    }
    const err = e as Error;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR' || code === 'EPERM') {
      process.stderr.write(`swiotlb-lab: error: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`swiotlb-lab: internal error: ${err.message ?? String(e)}\n`);
    if (debug) process.stderr.write(`${err.stack ?? ''}\n`);
    return 2;
  }
}
