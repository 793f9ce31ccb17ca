/**
 * The shape every fuzz target implements: generate case i from its own PRNG,
 * run it against the code under test, check the contract, and serialise it
 * for fuzz/crashes/.
 *
 * @module
 */
import type { Outcome } from './outcome.js';
import type { Rng } from './rng.js';

/** The targets, in the order `--target all` runs them. */
export const TARGET_NAMES = ['params', 'trace', 'replay', 'cli', 'config', 'dmesg'] as const;

/** A target name. */
export type TargetName = (typeof TARGET_NAMES)[number];

/** One generated case. */
export interface FuzzCase<I> {
  /** Which generator made it (counted in the summary). */
  readonly kind: string;
  /** What the code under test receives. */
  readonly input: I;
}

/** A case as stored in fuzz/crashes/: JSON metadata, plus raw bytes for byte-level inputs. */
export interface SavedInput {
  readonly meta: Record<string, unknown>;
  readonly bytes?: Uint8Array;
}

/** A fuzz target. */
export interface Target<I> {
  readonly name: TargetName;
  /** Distinct per target: mixed into each case's seed. */
  readonly salt: number;
  /**
   * Per-thread setup (load the corpus, write fixture files).
   *
   * @param seed - Run seed (fixture files are derived from it).
   */
  init(seed: number): Promise<void>;
  /**
   * Make case i.
   *
   * @param rng - The case's own PRNG.
   */
  generate(rng: Rng): FuzzCase<I>;
  /**
   * Run a case and check the contract.
   *
   * @param c - The case.
   */
  run(c: FuzzCase<I>): Promise<Outcome>;
  /**
   * Serialise a case for fuzz/crashes/.
   *
   * @param c - The case.
   */
  save(c: FuzzCase<I>): SavedInput;
  /** Remove per-thread temp files. */
  dispose(): void;
}

/**
 * Wrap a synchronous check so exceptions become outcomes through `classify`.
 *
 * @param body - The call under test and its checks.
 * @param classify - Turns a thrown value into an outcome.
 * @returns The outcome.
 * @remarks Context: any.
 */
export async function guarded(body: () => Outcome | Promise<Outcome>, classify: (e: unknown) => Outcome): Promise<Outcome> {
  try {
    return await body();
  } catch (e) {
    return classify(e);
  }
}
