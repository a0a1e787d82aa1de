import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { FUZZ_TARGETS, fuzzProperty, runOne, type FuzzTarget } from './fuzz-properties.js';
import { mutateBytes } from './byte-mutations.js';
import { mutateJson } from './json-mutations.js';

// The same properties as scripts/fuzz.ts, a small seeded run of each (the script runs 10,000 per reader).
const RUNS: Record<string, number> = { voc: 40, 'coco-dataset': 60, 'retrieval-lists': 60, model: 60, 'bench-config': 60, checkpoint: 30, 'value-state': 60, 'value-net': 60 };

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'metricopt-fuzz-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('reader fuzz properties (seeded)', () => {
  it.each(FUZZ_TARGETS.map((t) => [t.name, t] as const))('%s: every input is accepted or refused with a typed error naming it', async (name, target) => {
    const dir = join(root, name);
    await mkdir(dir);
    const context = await target.setup(dir);
    // Counted on the side: a generator whose inputs were all refused (or all accepted) would fuzz little.
    const seen = { accepted: 0, refused: 0 };
    const counting = {
      ...target,
      run: async (input: unknown, c: unknown) => {
        try {
          await target.run(input, c);
          seen.accepted++;
        } catch (err) {
          seen.refused++;
          throw err;
        }
      },
    };
    // A hang fails the run: fast-check's timeout turns an input that runs past it into a counterexample.
    await fc.assert(fuzzProperty(counting, context), { seed: 20260101, numRuns: RUNS[name] ?? 100, timeout: 5000 });
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  }, 60_000);
});

describe('runOne', () => {
  const fake = (thrown: unknown): FuzzTarget<number, null> => ({
    name: 'fake', reader: 'fake', setup: async () => null, arbitrary: () => fc.nat(), names: () => ['in.bin'],
    run: async () => {
      if (thrown !== undefined) throw thrown;
    },
  });
  it('counts a MetricOptError naming the input as typed, and anything else as untyped', async () => {
    expect((await runOne(fake(undefined), null, 1)).kind).toBe('accepted');
    expect((await runOne(fake(new FormatError('in.bin', 'truncated')), null, 1)).kind).toBe('typed');
    // Typed but silent about what it read, a plain TypeError, a library's Error, a non-Error.
    expect((await runOne(fake(new FormatError('other.bin', 'truncated')), null, 1)).kind).toBe('untyped');
    expect((await runOne(fake(new TypeError('in.bin: x is undefined')), null, 1)).kind).toBe('untyped');
    expect((await runOne(fake(new Error('Input buffer contains unsupported image format')), null, 1)).kind).toBe('untyped');
    expect((await runOne(fake('in.bin'), null, 1)).kind).toBe('untyped');
  });
});

describe('mutations', () => {
  it('mutateBytes truncates, flips, writes big-endian u32s, deletes, duplicates and appends', () => {
    const b = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(Array.from(mutateBytes(b, [{ kind: 'truncate', at: 8 }]))).toEqual([1, 2]);
    expect(Array.from(mutateBytes(b, [{ kind: 'flip', at: 0, bit: 7 }]))).toEqual([129, 2, 3, 4, 5, 6]);
    expect(Array.from(mutateBytes(b, [{ kind: 'u32', at: 1, value: 0xffffffff, littleEndian: false }]))).toEqual([1, 255, 255, 255, 255, 6]);
    expect(Array.from(mutateBytes(b, [{ kind: 'u32', at: 5, value: 0x01020304, littleEndian: true }]))).toEqual([1, 2, 4, 3, 2, 1]);
    expect(Array.from(mutateBytes(b, [{ kind: 'delete', at: 1, length: 2 }]))).toEqual([1, 4, 5, 6]);
    expect(Array.from(mutateBytes(b, [{ kind: 'duplicate', at: 4, length: 1 }]))).toEqual([1, 2, 3, 4, 5, 5, 6]);
    expect(Array.from(mutateBytes(b, [{ kind: 'append', bytes: Uint8Array.of(9) }]))).toEqual([1, 2, 3, 4, 5, 6, 9]);
    expect(Array.from(b)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('mutateJson writes NaN, Infinity and deep nesting into the text, replaces, deletes and duplicates entries', () => {
    const seed = { images: [{ id: 1 }, { id: 2 }], n: 3 };
    // path [0, 1, 0]: key 'images' → element 1 → key 'id'.
    expect(mutateJson(seed, [{ kind: 'raw', path: [0, 1, 0], token: 'NaN' }])).toBe('{"images":[{"id":1},{"id":NaN}],"n":3}');
    expect(mutateJson(seed, [{ kind: 'nest', path: [1], depth: 3, object: false }])).toBe('{"images":[{"id":1},{"id":2}],"n":[[[1]]]}');
    expect(mutateJson(seed, [{ kind: 'replace', path: [0, 0, 0], value: '1' }])).toBe('{"images":[{"id":"1"},{"id":2}],"n":3}');
    expect(mutateJson(seed, [{ kind: 'delete', path: [0, 0] }])).toBe('{"images":[{"id":2}],"n":3}');
    expect(mutateJson(seed, [{ kind: 'duplicate', path: [0] }])).toBe('{"images":[{"id":1},{"id":2},{"id":1}],"n":3}');
    expect(JSON.parse(mutateJson(seed, [{ kind: 'huge-array', path: [0], length: 1000 }])).images).toHaveLength(1000);
    expect(seed.images).toHaveLength(2);
  });
});
