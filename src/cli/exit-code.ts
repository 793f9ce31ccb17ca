/**
 * A command's way to end with a chosen exit code after printing its result.
 *
 * @module
 */

/** Raised by a command to end with a given exit code (1: a check failed). */
export class ExitCode extends Error {
  override name = 'ExitCode';
  /**
   * @param code - Process exit code.
   */
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
