/**
 * Error classes shared by every layer: input that cannot be used (with file and
 * line where known) and misuse of an API by its caller.
 *
 * @module
 */

/**
 * Input that cannot be used: a malformed file, option or argument.
 *
 * The CLI prints `message` (never a stack) and exits 2.
 */
export class InputError extends Error {
  override name = 'InputError';
  /** Stable machine-readable code, e.g. `bad_field`, `truncated_line`. */
  readonly code: string;
  /** File the input came from, if any. */
  readonly file: string | undefined;
  /** 1-based line number, if any. */
  readonly line: number | undefined;

  /**
   * @param code - Machine-readable error code.
   * @param message - Sentence-case description of what was expected.
   * @param where - Optional file and 1-based line.
   */
  constructor(code: string, message: string, where: { file?: string; line?: number } = {}) {
    const loc = where.file !== undefined ? `${where.file}${where.line !== undefined ? `:${where.line}` : ''}: ` : '';
    super(`${loc}${message}`);
    this.code = code;
    this.file = where.file;
    this.line = where.line;
  }
}

/**
 * A caller broke an API contract in a way the kernel would treat as a bug
 * (BUG_ON, WARN) or would silently corrupt state; the model refuses instead.
 */
export class ContractError extends Error {
  override name = 'ContractError';
  /** Stable machine-readable code, e.g. `unmap_not_mapped`. */
  readonly code: string;

  /**
   * @param code - Machine-readable error code.
   * @param message - What was wrong, with the numbers.
   */
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Format a non-negative integer as the kernel prints hex (`0x` and lower case).
 *
 * @param value - Integer < 2^53, or -1 for the all-ones 64-bit value.
 * @returns The hex string.
 * @remarks Context: any.
 */
export function hex(value: number): string {
  if (value === -1) return '0xffffffffffffffff';
  return `0x${value.toString(16)}`;
}
