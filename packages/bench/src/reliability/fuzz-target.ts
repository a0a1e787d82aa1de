import fc from 'fast-check';
import { MetricOptError } from '@metricopt/core';

/**
 * One reader under fuzz: valid seed inputs written in its real format (`setup`), a fast-check
 * generator of mutated inputs, and how to feed one input to the reader.
 */
export interface FuzzTarget<Input = unknown, Context = unknown> {
  /** Short name, e.g. 'idx'. */
  name: string;
  /** The functions fed, for the table, e.g. 'parseIdx, readIdx'. */
  reader: string;
  /**
   * Prepares a fuzz child process before `setup`, e.g. core's own backend for readers that train
   * (scripts/fuzz.ts children only: the seeded test runs every target on the cpu backend).
   */
  init?(): Promise<unknown>;
  /** Writes the seed files under `dir` (empty, owned by this target) and returns what the generator and runs need. */
  setup(dir: string): Promise<Context>;
  arbitrary(context: Context): fc.Arbitrary<Input>;
  /** Feeds one input to the reader (writing files under the context's directory as needed); resolves when it accepted it, throws when it refused it. */
  run(input: Input, context: Context): Promise<void>;
  /** A typed error must name one of these: the input's path, name or argument. */
  names(context: Context): string[];
}

/** What one input did: accepted, refused with a typed error naming it, or anything else. */
export type FuzzOutcome = { kind: 'accepted' } | { kind: 'typed'; error: string } | { kind: 'untyped'; error: string };

/**
 * Runs one input and classifies it. A refusal counts as typed only when it is a MetricOptError
 * whose message names the input; any other throw (TypeError, RangeError, a library's own
 * Error, a MetricOptError that does not say what it read) is untyped.
 */
export async function runOne<I, C>(target: FuzzTarget<I, C>, context: C, input: I): Promise<FuzzOutcome> {
  try {
    await target.run(input, context);
    return { kind: 'accepted' };
  } catch (err) {
    const text = err instanceof Error ? `${err.name}: ${err.message}` : `non-Error thrown: ${String(err)}`;
    if (err instanceof MetricOptError && target.names(context).some((n) => err.message.includes(n))) return { kind: 'typed', error: text };
    return { kind: 'untyped', error: err instanceof Error && !(err instanceof MetricOptError) ? `${text}\n${err.stack ?? ''}` : text };
  }
}

/**
 * The property a reader must hold: every input is accepted or refused with a typed error naming
 * it. For `fc.assert` (which also shrinks a failure to a small input).
 *
 * ```ts
 * const context = await idxTarget.setup(dir);
 * await fc.assert(fuzzProperty(idxTarget, context), { seed: 1, numRuns: 150 });
 * ```
 */
export function fuzzProperty<I, C>(target: FuzzTarget<I, C>, context: C): fc.IAsyncPropertyWithHooks<[I]> {
  return fc.asyncProperty(target.arbitrary(context), async (input) => {
    const outcome = await runOne(target, context, input);
    if (outcome.kind === 'untyped') throw new Error(`${target.name}: untyped failure: ${outcome.error}`);
  });
}
