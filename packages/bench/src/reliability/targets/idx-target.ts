import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { encodeIdx, parseIdx, readIdx, type IdxDtype } from '@metricopt/data';
import { mutatedBytes } from '../byte-mutations.js';
import type { FuzzTarget } from '../fuzz-target.js';

interface IdxContext {
  raw: Uint8Array[];
  gzipped: Uint8Array[];
  path: string;
}

const DTYPES: IdxDtype[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];
const SHAPES = [[5], [2, 3], [2, 2, 2], [1, 4, 3, 1]];

/** IDX files (raw and gzipped, every element type): parseIdx on the bytes and readIdx on a file. */
export const idxTarget: FuzzTarget<Uint8Array, IdxContext> = {
  name: 'idx',
  reader: 'parseIdx, readIdx (data)',
  async setup(dir) {
    const raw = DTYPES.flatMap((dtype, d) => SHAPES.map((shape, s) => {
      const length = shape.reduce((a, b) => a * b, 1);
      return encodeIdx({ dtype, shape, data: Array.from({ length }, (_, i) => (i * 7 + d + s) % 100 - 20) });
    }));
    return { raw, gzipped: raw.map((b) => new Uint8Array(gzipSync(b))), path: join(dir, 'fuzz-idx3-ubyte') };
  },
  arbitrary: ({ raw, gzipped }) => fc.oneof(
    mutatedBytes(raw, 32),
    mutatedBytes(gzipped, 24),
    // The header fuzzed behind a valid gzip layer.
    mutatedBytes(raw, 32).map((b) => new Uint8Array(gzipSync(b))),
  ),
  async run(bytes, { path }) {
    parseIdx(bytes, path);
    await writeFile(path, bytes);
    await readIdx(path);
  },
  names: ({ path }) => [path],
};
