/**
 * Bugs in src/ the fuzzer found and that are not fixed yet, matched by crash
 * signature. The fuzz script still counts them as crashes (exit 1); the
 * short fuzz test skips them with the reason below until they are fixed.
 * When a fix lands, delete its entry: the test then fails if it comes back.
 *
 * @module
 */

/** One known bug. */
export interface KnownBug {
  readonly id: string;
  /** What goes wrong, for people. */
  readonly title: string;
  /** File and function in src/ where it happens. */
  readonly where: string;
  /** A minimal input that shows it. */
  readonly example: string;
  /** Signatures (crash codes, see outcome.ts) it produces. */
  readonly match: RegExp;
}

/** The known bugs. K1-K10 (the first 1 M-input run) and K11-K18 (the config and dmesg targets) are fixed; a new one goes here with its signature. */
export const KNOWN_BUGS: readonly KnownBug[] = [
];

/**
 * The known bug a crash signature belongs to.
 *
 * @param code - Crash signature (see outcome.ts).
 * @returns The bug, or undefined for a new crash.
 * @remarks Context: any.
 */
export function knownBug(code: string): KnownBug | undefined {
  return KNOWN_BUGS.find((b) => b.match.test(code));
}
