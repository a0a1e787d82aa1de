import fc from 'fast-check';
import { mutatedText } from './byte-mutations.js';
import { applyMutations, jsonMutation, type JsonMutation } from './json-mutations.js';

// The raw JSON tokens of a mutation, as the JavaScript values a caller could hand a reader directly.
const TOKEN_VALUES: Record<string, unknown> = {
  NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '1e999': Number.POSITIVE_INFINITY,
  '-1e999': Number.NEGATIVE_INFINITY, '1e308': 1e308, '-0': -0, '4294967296': 4294967296, '9007199254740993': 9007199254740993,
  '2147483648': 2147483648, '-2147483649': -2147483649, '0.5': 0.5, '1e-320': 1e-320,
};

function nested(depth: number, object: boolean): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = object ? { a: v } : [v];
  return v;
}

/**
 * Applies JSON mutations to a deep copy of a JavaScript value (what a state's `setState` is handed):
 * raw tokens become NaN, ±Infinity and friends, nesting becomes real nested objects.
 *
 * ```ts
 * mutateValue({ a: [1, 2] }, [{ kind: 'raw', path: [0, 1], token: 'NaN' }]);   // { a: [1, NaN] }
 * ```
 */
export function mutateValue(value: unknown, mutations: readonly JsonMutation[]): unknown {
  return applyMutations(value, mutations, {
    raw: (token) => TOKEN_VALUES[token],
    nest: nested,
    // By reference: a clone of 20,000 levels of nesting would overflow the stack (readers do not mutate their input).
    copy: (v) => v,
    // Huge in count, bounded in bytes, so that a chunk of inputs fits in memory.
    maxHugeChars: 2_000_000,
  });
}

/**
 * A mutated JavaScript value from a seed: 0–3 structural mutations, or (a quarter of the time) its
 * JSON text truncated or bit-flipped and parsed back (the text itself when it no longer parses).
 */
export function mutatedValue(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  const structural = fc
    .tuple(fc.nat(seeds.length - 1), fc.array(jsonMutation({ hugeLengths: [1000, 5000] }), { minLength: 0, maxLength: 3 }))
    .map(([i, mutations]) => mutateValue(seeds[i], mutations));
  const textual = fc.nat(seeds.length - 1).chain((i) => mutatedText([JSON.stringify(seeds[i])])).map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
  return fc.oneof({ weight: 3, arbitrary: structural }, { weight: 1, arbitrary: textual });
}
