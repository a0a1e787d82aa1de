import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FormatError } from '@metricopt/core';
import { classCounts } from './class-subsets.js';
import { DatasetNotFoundError } from './dataset-not-found-error.js';
import { FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DEBIAN_DIR, fashionMnistDir, loadFashionMnist } from './fashion-mnist.js';
import { writeIdx } from './idx.js';

let root: string;
let fixture: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-fashion-'));
  fixture = join(root, 'fixture');
  await mkdir(fixture);
  // 5 train and 3 test images in the real file names, one file raw and the rest gzipped.
  const image = (n: number) => Uint8Array.from({ length: n * 784 }, (_, j) => (j * 7) % 256);
  await writeIdx(join(fixture, 'train-images-idx3-ubyte.gz'), { dtype: 'uint8', shape: [5, 28, 28], data: image(5) }, { gzip: true });
  await writeIdx(join(fixture, 'train-labels-idx1-ubyte.gz'), { dtype: 'uint8', shape: [5], data: [9, 0, 0, 3, 2] }, { gzip: true });
  await writeIdx(join(fixture, 't10k-images-idx3-ubyte'), { dtype: 'uint8', shape: [3, 28, 28], data: image(3) });
  await writeIdx(join(fixture, 't10k-labels-idx1-ubyte.gz'), { dtype: 'uint8', shape: [3], data: [1, 2, 1] }, { gzip: true });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('fashionMnistDir', () => {
  it('is $FASHION_MNIST_DIR when set, else the Debian location', () => {
    expect(fashionMnistDir({ FASHION_MNIST_DIR: '/x/y' })).toBe('/x/y');
    expect(fashionMnistDir({})).toBe('/usr/share/datasets/fashion-mnist');
    expect(fashionMnistDir({ FASHION_MNIST_DIR: '' })).toBe(FASHION_MNIST_DEBIAN_DIR);
  });
});

describe('loadFashionMnist', () => {
  it('reads the directory FASHION_MNIST_DIR names', async () => {
    vi.stubEnv('FASHION_MNIST_DIR', fixture);
    const fm = await loadFashionMnist();
    expect(fm.train.shape).toEqual([5, 28, 28]);
    expect(fm.train.images).toBeInstanceOf(Uint8Array);
    expect(fm.train.images[783]).toBe((783 * 7) % 256);
    expect(Array.from(fm.train.labels)).toEqual([9, 0, 0, 3, 2]);
    expect(fm.test.shape).toEqual([3, 28, 28]);
    expect(fm.numClasses).toBe(10);
    expect(fm.classNames[9]).toBe('Ankle boot');
    expect(fm.files.trainImages).toBe(join(fixture, 'train-images-idx3-ubyte.gz'));
  });

  it('an empty directory is a DatasetNotFoundError that says how to get the data', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    vi.stubEnv('FASHION_MNIST_DIR', empty);
    const err = await loadFashionMnist().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetNotFoundError);
    const message = (err as Error).message;
    expect(message).toContain(`Fashion-MNIST was not found in ${empty} ($FASHION_MNIST_DIR)`);
    expect(message).toContain('no train-images-idx3-ubyte[.gz]');
    expect(message).toContain('no t10k-labels-idx1-ubyte[.gz]');
    expect(message).toContain('apt-get install dataset-fashion-mnist');
    expect(message).toContain('set FASHION_MNIST_DIR');
  });

  it('a directory that does not exist says so too', async () => {
    await expect(loadFashionMnist({ dir: join(root, 'nowhere') })).rejects.toThrow(/not found in .*nowhere \(the directory passed in\).*ENOENT.*apt-get install dataset-fashion-mnist/);
  });

  it('images that are not 28x28 are a FormatError', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    await writeIdx(join(other, 'train-images'), { dtype: 'uint8', shape: [1, 32, 32], data: new Uint8Array(1024) });
    await writeIdx(join(other, 'train-labels'), { dtype: 'uint8', shape: [1], data: [0] });
    await writeIdx(join(other, 't10k-images'), { dtype: 'uint8', shape: [1, 32, 32], data: new Uint8Array(1024) });
    await writeIdx(join(other, 't10k-labels'), { dtype: 'uint8', shape: [1], data: [0] });
    await expect(loadFashionMnist({ dir: other })).rejects.toThrow(FormatError);
    await expect(loadFashionMnist({ dir: other })).rejects.toThrow(/uint8 \[N, 28, 28\], got shape \[1, 32, 32\]/);
  });

  it('has the ten class names', () => {
    expect(FASHION_MNIST_CLASS_NAMES).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  it.skipIf(!existsSync(join(FASHION_MNIST_DEBIAN_DIR, 'train-images-idx3-ubyte.gz')))('reads the real Debian files: 60,000 + 10,000 balanced', async () => {
    const fm = await loadFashionMnist({ dir: FASHION_MNIST_DEBIAN_DIR });
    expect(fm.train.shape).toEqual([60000, 28, 28]);
    expect(fm.test.shape).toEqual([10000, 28, 28]);
    expect(classCounts(fm.train.labels)).toEqual(new Array(10).fill(6000));
    expect(classCounts(fm.test.labels)).toEqual(new Array(10).fill(1000));
  });
});
