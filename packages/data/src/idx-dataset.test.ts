import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { writeIdx } from './idx.js';
import { IDX_FILE_PATTERN, findIdxFiles, loadIdxDataset } from './idx-dataset.js';
import type { IdxDtype } from './idx-dtype.js';

let root: string;
let count = 0;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-idx-dataset-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function datasetDir(files: Record<string, { dtype: IdxDtype; shape: number[]; data: number[] }>, gzip = true): Promise<string> {
  const dir = join(root, `d${count++}`);
  await mkdir(dir);
  for (const [name, array] of Object.entries(files)) await writeIdx(join(dir, name), array, { gzip });
  return dir;
}

const range = (n: number, f: (i: number) => number = (i) => i) => Array.from({ length: n }, (_, i) => f(i));

describe('IDX_FILE_PATTERN', () => {
  it.each([
    ['train-images-idx3-ubyte.gz', true], ['train-images-idx3-ubyte', true], ['t10k-labels-idx1-ubyte.gz', true],
    ['t10k-labels.gz', true], ['test-images', true], ['train-labels', true],
    ['train-images.idx', false], ['val-images', false], ['train-source-index-idx1-int.gz', false], ['train-images-idx3-ubyte.gz.bak', false],
  ])('%s matches: %s', (name, ok) => expect(IDX_FILE_PATTERN.test(name)).toBe(ok));
});

describe('loadIdxDataset', () => {
  it('reads any image size, channel count and class count; names with or without suffixes', async () => {
    const dir = await datasetDir({
      'train-images': { dtype: 'float32', shape: [4, 3, 2, 3], data: range(72, (i) => i / 8) },
      'train-labels.gz': { dtype: 'int32', shape: [4], data: [0, 11, 3, 3] },
      'test-images-idx4-ubyte': { dtype: 'float32', shape: [2, 3, 2, 3], data: range(36) },
      'test-labels-idx1-ubyte.gz': { dtype: 'uint8', shape: [2], data: [5, 1] },
      'unrelated.txt': { dtype: 'uint8', shape: [1], data: [0] },
    });
    const ds = await loadIdxDataset(dir);
    expect(ds.train.shape).toEqual([4, 3, 2, 3]);
    expect(ds.train.images).toBeInstanceOf(Float32Array);
    expect(ds.train.images[9]).toBe(9 / 8);
    expect(Array.from(ds.train.labels)).toEqual([0, 11, 3, 3]);
    expect(ds.test.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(ds.test.labels)).toEqual([5, 1]);
    expect(ds.numClasses).toBe(12);
    expect(ds.files.testImages).toBe(join(dir, 'test-images-idx4-ubyte'));
  });

  it('reads raw (not gzipped) files named .gz', async () => {
    const dir = await datasetDir({
      'train-images-idx3-ubyte.gz': { dtype: 'uint8', shape: [2, 2, 2], data: range(8) },
      'train-labels-idx1-ubyte.gz': { dtype: 'uint8', shape: [2], data: [1, 0] },
      't10k-images-idx3-ubyte.gz': { dtype: 'uint8', shape: [1, 2, 2], data: range(4) },
      't10k-labels-idx1-ubyte.gz': { dtype: 'uint8', shape: [1], data: [1] },
    }, false);
    const ds = await loadIdxDataset(dir);
    expect(Array.from(ds.train.images)).toEqual(range(8));
    expect(ds.numClasses).toBe(2);
  });

  it('missing or ambiguous files are a DatasetNotFoundError saying which', async () => {
    const dir = await datasetDir({
      'train-images': { dtype: 'uint8', shape: [1, 2, 2], data: range(4) },
      't10k-labels.gz': { dtype: 'uint8', shape: [1], data: [0] },
      'test-labels': { dtype: 'uint8', shape: [1], data: [0] },
    });
    const err = await findIdxFiles(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    expect((err as Error).message).toContain('no train-labels-idx1-ubyte[.gz]');
    expect((err as Error).message).toContain('no t10k-images-idx3-ubyte[.gz]');
    expect((err as Error).message).toContain('more than one test labels file (t10k-labels.gz, test-labels)');
    await expect(loadIdxDataset(join(root, 'no-such-dir'))).rejects.toThrow(/cannot be read \(ENOENT\)/);
  });

  const base = () => ({
    'train-images': { dtype: 'uint8' as IdxDtype, shape: [3, 2, 2], data: range(12) },
    'train-labels': { dtype: 'uint8' as IdxDtype, shape: [3], data: [0, 1, 2] },
    't10k-images': { dtype: 'uint8' as IdxDtype, shape: [1, 2, 2], data: range(4) },
    't10k-labels': { dtype: 'uint8' as IdxDtype, shape: [1], data: [1] },
  });
  it.each([
    ['labels of another count', { 'train-labels': { dtype: 'uint8' as IdxDtype, shape: [2], data: [0, 1] } }, /train-labels: has 2 labels but .*train-images has 3 images/],
    ['float labels', { 'train-labels': { dtype: 'float32' as IdxDtype, shape: [3], data: [0, 1, 2] } }, /train-labels: labels must be one integer per image, got float32/],
    ['negative labels', { 'train-labels': { dtype: 'int8' as IdxDtype, shape: [3], data: [0, -1, 2] } }, /label -1 at index 1 is negative/],
    ['2-D images', { 'train-images': { dtype: 'uint8' as IdxDtype, shape: [3, 4], data: range(12) } }, /images must be \[N, H, W\] or \[N, H, W, C\], got shape \[3, 4\]/],
    ['test images of another size', { 't10k-images': { dtype: 'uint8' as IdxDtype, shape: [1, 4], data: range(4) } }, /t10k-images: images must be/],
    ['test images of another shape', { 't10k-images': { dtype: 'uint8' as IdxDtype, shape: [1, 1, 4], data: range(4) } }, /t10k-images: images are \[1, 4\] but the train images .* are \[2, 2\]/],
  ])('%s is a FormatError naming the file', async (_, override, message) => {
    const dir = await datasetDir({ ...base(), ...override });
    const err = await loadIdxDataset(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
  });
});
