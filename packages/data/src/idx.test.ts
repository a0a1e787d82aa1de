import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { encodeIdx, isGzip, parseIdx, readIdx, writeIdx } from './idx.js';
import type { IdxDtype } from './idx-dtype.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metricopt-idx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Hand-written big-endian bytes of the values [1, -2] (or [1, 254] for uint8) in every IDX type.
const handEncoded: Array<[IdxDtype, number[], number[]]> = [
  ['uint8', [1, 254], [0x08, 0x01, 0x02, 0x01, 0xfe]],
  ['int8', [1, -2], [0x09, 0x01, 0x02, 0x01, 0xfe]],
  ['int16', [1, -2], [0x0b, 0x01, 0x02, 0x00, 0x01, 0xff, 0xfe]],
  ['int32', [1, -2], [0x0c, 0x01, 0x02, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]],
  ['float32', [1, -2], [0x0d, 0x01, 0x02, 0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]],
  ['float64', [1, -2], [0x0e, 0x01, 0x02, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0]],
];

/** [type byte, ndims, dim0 (one byte), ...data] → the full file: 0x00 0x00 type ndims, dim0 as uint32, data. */
function fileOf(spec: number[]): Uint8Array {
  const [code, ndims, dim0, ...data] = spec;
  return Uint8Array.from([0, 0, code!, ndims!, 0, 0, 0, dim0!, ...data]);
}

const dtypes: IdxDtype[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];
const shapes = [[5], [3, 4], [2, 3, 4], [2, 1, 3, 2]];

function valuesFor(dtype: IdxDtype, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    switch (dtype) {
      case 'uint8': return (i * 37) % 256;
      case 'int8': return ((i * 37) % 256) - 128;
      case 'int16': return i * 1021 - 30000;
      case 'int32': return i * 1_000_003 - 2_000_000_000;
      case 'float32': return Math.fround(i * 0.37 - 3.5);
      case 'float64': return i * Math.PI - 1e10;
    }
  });
}

describe('encodeIdx / parseIdx', () => {
  it.each(handEncoded)('%s matches the hand-written big-endian bytes', (dtype, values, spec) => {
    const expected = fileOf(spec);
    const bytes = encodeIdx({ dtype, shape: [2], data: values });
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    const parsed = parseIdx(expected, 'hand');
    expect(parsed.dtype).toBe(dtype);
    expect(parsed.shape).toEqual([2]);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  const cases = dtypes.flatMap((dtype) => shapes.flatMap((shape) => [false, true].map((gzip) => [dtype, shape, gzip] as const)));
  it.each(cases)('%s of shape %j (gzip %s) round-trips', (dtype, shape, gzip) => {
    const values = valuesFor(dtype, shape.reduce((a, b) => a * b, 1));
    const bytes = encodeIdx({ dtype, shape, data: values }, { gzip });
    expect(isGzip(bytes)).toBe(gzip);
    expect(bytes.length === 4 + 4 * shape.length + values.length * { uint8: 1, int8: 1, int16: 2, int32: 4, float32: 4, float64: 8 }[dtype]).toBe(!gzip);
    const parsed = parseIdx(bytes, 'case');
    expect(parsed.dtype).toBe(dtype);
    expect(parsed.shape).toEqual(shape);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  it('rejects bad arguments to encodeIdx', () => {
    expect(() => encodeIdx({ dtype: 'uint16' as IdxDtype, shape: [1], data: [1] })).toThrow(InvalidArgumentError);
    expect(() => encodeIdx({ dtype: 'uint8', shape: [2, 2], data: [1, 2, 3] })).toThrow(/4 elements/);
    expect(() => encodeIdx({ dtype: 'uint8', shape: [], data: [] })).toThrow(/'array.shape'/);
    expect(() => encodeIdx({ dtype: 'uint8', shape: [0], data: [] })).toThrow(/'array.shape'/);
  });
});

describe('malformed IDX files are FormatErrors naming the file', () => {
  const good = () => encodeIdx({ dtype: 'int16', shape: [3, 2], data: [1, 2, 3, 4, 5, 6] });
  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['truncated data', () => good().slice(0, -1), /truncated: shape \[3, 2\] of int16 needs 12 data bytes, the file has 11/],
    ['extra bytes', () => Uint8Array.from([...good(), 0, 0, 0]), /3 bytes after the data/],
    ['wrong magic', () => Uint8Array.from([0x50, 0x4b, ...good().slice(2)]), /wrong magic number.*0x50 0x4b/],
    ['unknown type byte', () => Uint8Array.from([0, 0, 0x0a, ...good().slice(3)]), /unknown IDX type byte 0x0a; valid: 0x08 \(uint8\)/],
    ['zero dimensions', () => Uint8Array.from([0, 0, 0x08, 0]), /declares 0 dimensions/],
    ['a zero dimension', () => encodeIdxRawHeader(0x08, [3, 0], []), /dimension 1 is 0/],
    ['too short', () => Uint8Array.from([0, 0]), /too short/],
    ['truncated header', () => good().slice(0, 9), /truncated header: 2 dimensions need 12 bytes, the file has 9/],
    ['a huge declared size', () => encodeIdxRawHeader(0x0e, [0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3]), /truncated: shape \[4294967295, 4294967295, 4294967295\] of float64/],
    ['a truncated gzip', () => { const z = gzipSync(good()); return z.slice(0, z.length - 6); }, /not a valid gzip stream/],
    ['a corrupt gzip', () => { const z = gzipSync(good()); z[12] = z[12]! ^ 0xff; z[13] = z[13]! ^ 0xff; return z; }, /not a valid gzip stream/],
    ['gzip of a truncated file', () => gzipSync(good().slice(0, -2)), /truncated: .* the file has 10/],
    ['bytes after a gzip stream', () => Uint8Array.from([...gzipSync(good()), 1, 2, 3]), /not a valid gzip stream/],
  ];

  it.each(bad)('%s', async (label, make, message) => {
    const path = join(dir, `${label.replace(/ /g, '-')}.idx`);
    await writeFile(path, make());
    const err = await readIdx(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toMatch(message);
    expect(() => parseIdx(make(), 'bytes-name')).toThrow(/^bytes-name: /);
  });

  it('a missing file is a FormatError naming it', async () => {
    const path = join(dir, 'missing.idx');
    await expect(readIdx(path)).rejects.toThrow(new RegExp(`${path}: cannot be read \\(ENOENT\\)`));
  });
});

function encodeIdxRawHeader(code: number, dims: number[], data: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('readIdx / writeIdx', () => {
  it.each([false, true])('reads back what writeIdx wrote (gzip %s), whatever the file name', async (gzip) => {
    const path = join(dir, `labels${gzip ? '' : '.gz'}`);   // names that lie about compression
    await writeIdx(path, { dtype: 'float32', shape: [2, 2], data: [0.5, -1, 2, 3.25] }, { gzip });
    const read = await readIdx(path);
    expect(read).toEqual({ dtype: 'float32', shape: [2, 2], data: Float32Array.of(0.5, -1, 2, 3.25) });
  });

  const labels = '/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz';
  it.skipIf(!existsSync(labels))('reads the real Fashion-MNIST test labels: 10,000 of 10 classes, 1,000 each', async () => {
    const { dtype, shape, data } = await readIdx(labels);
    expect(dtype).toBe('uint8');
    expect(shape).toEqual([10000]);
    const counts = new Array<number>(10).fill(0);
    for (const y of data) counts[y]!++;
    expect(counts).toEqual(new Array(10).fill(1000));
  });
});
