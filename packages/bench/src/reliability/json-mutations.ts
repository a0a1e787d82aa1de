import fc from 'fast-check';
import { mutatedText } from './byte-mutations.js';

/**
 * Tokens written into JSON text as they are (JSON.stringify cannot write them): NaN and the
 * infinities (not JSON), overflowing and imprecise numbers, and deep nesting.
 */
export const RAW_TOKENS = [
  'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '1e308', '-0', '4294967296', '9007199254740993', '2147483648', '-2147483649', '0.5', '1e-320',
] as const;

const MAX_HUGE_ARRAY_CHARS = 1_000_000;

/** One change to a parsed JSON value, at the node reached by following `path` (indices taken modulo each container's size). */
export type JsonMutation =
  | { kind: 'replace'; path: number[]; value: unknown }
  | { kind: 'raw'; path: number[]; token: string }
  | { kind: 'nest'; path: number[]; depth: number; object: boolean }
  | { kind: 'delete'; path: number[] }
  | { kind: 'duplicate'; path: number[] }
  | { kind: 'huge-array'; path: number[]; length: number };

/** Values of the wrong type for almost any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e300, '', 'x', '../../etc/passwd', '/etc/passwd', '1', [], {}, [1, 2], { id: 1 }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 2 }),
);

export interface JsonMutationOptions {
  /** Lengths a 'huge-array' mutation gives an array (default 1,000 and 5,000). */
  hugeLengths?: readonly number[];
}

/** A JSON mutation. */
export function jsonMutation(options: JsonMutationOptions = {}): fc.Arbitrary<JsonMutation> {
  const hugeLengths = options.hugeLengths ?? [1000, 5000];
  const path = fc.array(fc.nat(), { minLength: 0, maxLength: 6 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), path, value: wrongValue }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('raw' as const), path, token: fc.constantFrom(...RAW_TOKENS) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), path, depth: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constantFrom(1000, 20_000)), object: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), path }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), path }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge-array' as const), path, length: fc.constantFrom(...hugeLengths) }) },
  );
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** How `applyMutations` builds what it writes: text tokens or real values, copies or shared references. */
export interface MutationLeaves {
  /** A raw token (e.g. 'NaN') as the value to put in its slot. */
  raw(token: string): unknown;
  /** `depth` levels of nesting around 1 (objects `{a: …}` or arrays). */
  nest(depth: number, object: boolean): unknown;
  /** A value put in a second place: a copy, or the same reference. */
  copy(value: unknown): unknown;
  /** A 'huge-array' holds about this many characters of JSON at most. */
  maxHugeChars: number;
}

/** Applies mutations to a deep copy of `value` (each at the node reached by its path) and returns the copy. */
export function applyMutations(value: unknown, mutations: readonly JsonMutation[], leaves: MutationLeaves): unknown {
  const root: { v: unknown } = { v: structuredClone(value) };
  for (const m of mutations) {
    // Walk down from the root wrapper; stop at the deepest container the path reaches.
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
        slot[key] = leaves.copy(m.value);
        break;
      case 'raw':
        slot[key] = leaves.raw(m.token);
        break;
      case 'nest':
        slot[key] = leaves.nest(m.depth, m.object);
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete slot[key];
        break;
      case 'duplicate': {
        // The same entry twice: duplicate ids, names and files.
        const node = slot[key];
        if (Array.isArray(node) && node.length > 0) node.push(leaves.copy(node[0]));
        else if (Array.isArray(parent) && typeof key === 'number') parent.push(leaves.copy(node));
        break;
      }
      case 'huge-array': {
        const node = slot[key];
        const item = Array.isArray(node) && node.length > 0 ? node[node.length - 1] : node;
        // Long, not large: inputs test sizes and counts, not JSON.parse's speed (nor a chunk of inputs the memory).
        let chars: number;
        try {
          chars = (JSON.stringify(item) ?? 'null').length;
        } catch {
          // Nested deeper than JSON.stringify can write.
          chars = leaves.maxHugeChars;
        }
        const length = Math.min(m.length, Math.max(2, Math.floor(leaves.maxHugeChars / chars)));
        slot[key] = Array.from({ length }, () => leaves.copy(item));
        break;
      }
    }
  }
  return root.v;
}

/**
 * Applies mutations to a deep copy of `value` and writes it as JSON text; `raw` and `nest` tokens
 * are spliced into the text, so the result may hold NaN, Infinity or 20,000 levels of brackets.
 */
export function mutateJson(value: unknown, mutations: readonly JsonMutation[]): string {
  const raws: string[] = [];
  const marker = (raw: string) => {
    raws.push(raw);
    return `\u0000raw${raws.length - 1}\u0000`;
  };
  const mutated = applyMutations(value, mutations, {
    raw: marker,
    nest: (depth, object) => {
      const [open, close] = object ? ['{"a":', '}'] : ['[', ']'];
      return marker(`${open.repeat(depth)}1${close.repeat(depth)}`);
    },
    copy: (v) => structuredClone(v),
    maxHugeChars: MAX_HUGE_ARRAY_CHARS,
  });
  let text = JSON.stringify(mutated) ?? 'null';
  raws.forEach((raw, i) => {
    text = text.replace(`"\\u0000raw${i}\\u0000"`, raw);
  });
  return text;
}

/**
 * JSON text from a seed value: 0–3 structural mutations, then (a quarter of the time) text-level
 * truncation or bit flips on top.
 */
export function mutatedJson(seeds: readonly unknown[], options: JsonMutationOptions = {}): fc.Arbitrary<string> {
  const structural = fc
    .tuple(fc.nat(seeds.length - 1), fc.array(jsonMutation(options), { minLength: 0, maxLength: 3 }))
    .map(([i, mutations]) => mutateJson(seeds[i], mutations));
  return fc.oneof(
    { weight: 3, arbitrary: structural },
    { weight: 1, arbitrary: structural.chain((text) => mutatedText([text])) },
  );
}
