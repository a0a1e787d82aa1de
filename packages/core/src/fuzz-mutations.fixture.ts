import fc from 'fast-check';

// Small fast-check generators of broken state for core's seeded fuzz tests (the 10,000-input runs are the
// state targets of packages/bench/scripts/fuzz.ts): values of the wrong type, non-finite and huge numbers, deep
// nesting and long arrays put at a random place of a valid state, entries deleted or duplicated; and the
// state's JSON text truncated or with a flipped bit.

const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, 2 ** 53, 1e300, -1e300, 3.5e38, Number.NaN, Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY, '', 'x', '__proto__', [], {}, [1, 2], { a: 1 }),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.integer({ min: 1, max: 2000 }).map((depth) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }),
);

type Edit = { kind: 'replace'; value: unknown } | { kind: 'delete' } | { kind: 'duplicate' } | { kind: 'long' };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: badValue.map((value) => ({ kind: 'replace' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'long' as const }) },
);

/** A copy of `value` with 1–3 edits, each at the node a random path reaches (indices modulo the container's size). */
export function mutatedState(value: unknown): fc.Arbitrary<unknown> {
  return fc.array(fc.tuple(fc.array(fc.nat(), { maxLength: 6 }), edit), { minLength: 1, maxLength: 3 }).map((edits) => {
    const root: Record<string, unknown> = { v: structuredClone(value) };
    for (const [path, e] of edits) {
      let parent: Record<string | number, unknown> = root;
      let key: string | number = 'v';
      for (const step of path) {
        const node: unknown = parent[key];
        if (typeof node !== 'object' || node === null) break;
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        parent = node as Record<string | number, unknown>;
        key = Array.isArray(node) ? step % node.length : keys[step % keys.length]!;
      }
      if (e.kind === 'replace') parent[key] = e.value;
      else if (e.kind === 'delete') {
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else delete parent[key];
      } else if (e.kind === 'duplicate') {
        const node = parent[key];
        if (Array.isArray(node) && node.length > 0) node.push(node[0]);
      } else {
        const node = parent[key];
        const item = Array.isArray(node) ? node[0] : node;
        // Long in count (up to 1,000), bounded in bytes (≈ 200 kB of JSON), so that a test stays fast.
        let size = 1;
        try {
          size = Math.max(1, JSON.stringify(item)?.length ?? 1);
        } catch {
          size = 1e5;
        }
        parent[key] = Array.from({ length: Math.max(2, Math.min(1000, Math.floor(2e5 / size))) }, () => item);
      }
    }
    return root.v;
  });
}

/** JSON text of `value`: truncated, or with one bit flipped. */
export function damagedText(value: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(value);
  return fc.oneof(
    fc.nat(text.length - 1).map((at) => text.slice(0, at)),
    fc.tuple(fc.nat(text.length - 1), fc.nat(6)).map(([at, bit]) => text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << bit)) + text.slice(at + 1)),
  );
}
