import fc from 'fast-check';
import { jsonMutation, type JsonMutation } from '../../src/reliability/json-mutations.js';
import { mutatedText } from '../../src/reliability/byte-mutations.js';

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

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/**
 * Applies JSON mutations to a deep copy of a JavaScript value (what a state's `setState` is handed):
 * raw tokens become NaN, ±Infinity and friends, nesting becomes real nested objects.
 */
export function mutateValue(value: unknown, mutations: readonly JsonMutation[]): unknown {
  const root: { v: unknown } = { v: structuredClone(value) };
  for (const m of mutations) {
    let parent: Container = root as unknown as Container;
    let key: string | number = 'v';
    for (const step of m.path) {
      const node: unknown = (parent as Record<string | number, unknown>)[key];
      if (!isContainer(node)) break;
      const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node;
      key = keys[step % keys.length]!;
    }
    const slot = parent as Record<string | number, unknown>;
    switch (m.kind) {
      case 'replace':
        slot[key] = m.value;
        break;
      case 'raw':
        slot[key] = TOKEN_VALUES[m.token];
        break;
      case 'nest':
        slot[key] = nested(m.depth, m.object);
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete slot[key];
        break;
      case 'duplicate': {
        const node = slot[key];
        // By reference: a clone of 20,000 levels of nesting would overflow the stack (readers do not mutate their input).
        if (Array.isArray(node) && node.length > 0) node.push(node[0]);
        else if (Array.isArray(parent) && typeof key === 'number') parent.push(node);
        break;
      }
      case 'huge-array': {
        const node = slot[key];
        const item = Array.isArray(node) && node.length > 0 ? node[node.length - 1] : node;
        // Huge in count, bounded in bytes (≈ 2 MB of JSON), so that a chunk of inputs fits in memory.
        let size = 1;
        try {
          size = Math.max(1, JSON.stringify(item)?.length ?? 1);
        } catch {
          size = 1e6;
        }
        slot[key] = Array.from({ length: Math.max(2, Math.min(m.length, Math.floor(2e6 / size))) }, () => item);
        break;
      }
    }
  }
  return root.v;
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
