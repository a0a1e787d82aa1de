import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FormatError } from '@metricopt/core';
import { DatasetNotFoundError, writeIdx } from '@metricopt/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_LAYOUT, loadCifar10, loadCifar100, parseCifarBinary } from './cifar.js';
import { loadClassificationDataset } from './classification-dataset.js';
import { loadImageFolder, loadImageFolderDataset } from './image-folder.js';
import { loadMnist } from './mnist.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'metricopt-loaders-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const fresh = async (name: string) => {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  return dir;
};

/** A CIFAR image whose pixel (y, x) of channel ch has value (seed + 7·ch + 3·y + x) mod 256. */
const pixel = (seed: number, ch: number, y: number, x: number) => (seed + 7 * ch + 3 * y + x) % 256;
/** One record in the exact on-disk layout: label bytes, then the R, G, B planes of 32×32, row-major. */
function cifarRecord(labels: number[], seed: number): number[] {
  const out = [...labels];
  for (let ch = 0; ch < 3; ch++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out.push(pixel(seed, ch, y, x));
  return out;
}
const bytesOf = (records: number[][]) => Uint8Array.from(records.flat());

describe('CIFAR binary', () => {
  it('parses records into channels-last uint8 images with their labels', () => {
    const set = parseCifarBinary(bytesOf([cifarRecord([3], 10), cifarRecord([9], 20)]), 'b.bin', CIFAR10_LAYOUT);
    expect(set.shape).toEqual([2, 32, 32, 3]);
    expect(Array.from(set.labels)).toEqual([3, 9]);
    // Image 1, row 5, column 7, each channel, at [n, y, x, c] in the channels-last layout.
    for (let ch = 0; ch < 3; ch++) expect(set.images[((1 * 32 + 5) * 32 + 7) * 3 + ch]).toBe(pixel(20, ch, 5, 7));
  });

  it('loads CIFAR-10 from its six batch files (or their unpacked folder) with class names', async () => {
    const dir = await fresh('cifar10/cifar-10-batches-bin');
    for (let b = 1; b <= 5; b++) await writeFile(join(dir, `data_batch_${b}.bin`), bytesOf([cifarRecord([b], b), cifarRecord([b + 4], 50 + b)]));
    await writeFile(join(dir, 'test_batch.bin'), bytesOf([cifarRecord([0], 99)]));
    const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
    await writeFile(join(dir, 'batches.meta.txt'), `${names.join('\n')}\n\n`);
    for (const at of [dir, join(root, 'cifar10')]) {
      const ds = await loadCifar10(at);
      expect(ds.train.shape).toEqual([10, 32, 32, 3]);
      expect(Array.from(ds.train.labels)).toEqual([1, 5, 2, 6, 3, 7, 4, 8, 5, 9]);
      expect(ds.test.shape).toEqual([1, 32, 32, 3]);
      expect(ds.train.images[((3 * 32 + 31) * 32 + 0) * 3 + 2]).toBe(pixel(52, 2, 31, 0));
      expect(ds.classNames).toEqual(names);
      expect(ds.numClasses).toBe(10);
    }
  });

  it('rejects truncated, wrongly sized, empty and out-of-range files naming the file', async () => {
    const good = bytesOf([cifarRecord([1], 1), cifarRecord([2], 2)]);
    const err = (bytes: Uint8Array) => {
      try {
        parseCifarBinary(bytes, '/x/data_batch_2.bin', CIFAR10_LAYOUT);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a FormatError');
    };
    const truncated = err(good.subarray(0, good.length - 1));
    expect(truncated).toBeInstanceOf(FormatError);
    expect(truncated.message).toMatch(/^\/x\/data_batch_2.bin: has 6145 bytes, not a whole number of 3073-byte records .*record 1 is truncated to 3072 bytes/);
    expect(err(Uint8Array.from([...good, 0, 0])).message).toMatch(/data_batch_2.bin: has 6148 bytes/);
    expect(err(new Uint8Array(0)).message).toMatch(/data_batch_2.bin: is empty/);
    expect(err(bytesOf([cifarRecord([1], 1), cifarRecord([10], 2)])).message).toMatch(/data_batch_2.bin: record 1 has label 10, expected 0–9/);
    // A CIFAR-100 file read as CIFAR-10 is off by one byte per record.
    expect(err(bytesOf([cifarRecord([1, 2], 1)])).message).toMatch(/not a whole number of 3073-byte records/);
  });

  it('names a missing batch file, or a wrong size inside the dataset', async () => {
    const dir = await fresh('cifar10-broken');
    await writeFile(join(dir, 'test_batch.bin'), bytesOf([cifarRecord([0], 1)]));
    for (let b = 1; b <= 4; b++) await writeFile(join(dir, `data_batch_${b}.bin`), bytesOf([cifarRecord([0], 1)]));
    await expect(loadCifar10(dir)).rejects.toThrow(/CIFAR-10: .* lacks data_batch_5.bin. Download the binary version/);
    await writeFile(join(dir, 'data_batch_5.bin'), bytesOf([cifarRecord([0], 1)]).subarray(0, 100));
    await expect(loadCifar10(dir)).rejects.toThrow(new RegExp(`${join(dir, 'data_batch_5.bin')}: has 100 bytes`));
    await expect(loadCifar10(await fresh('empty'))).rejects.toBeInstanceOf(DatasetNotFoundError);
  });

  it('loads CIFAR-100 with fine or coarse labels and checks both label bytes', async () => {
    const dir = await fresh('cifar100/cifar-100-binary');
    await writeFile(join(dir, 'train.bin'), bytesOf([cifarRecord([4, 40], 1), cifarRecord([19, 99], 2), cifarRecord([0, 0], 3)]));
    await writeFile(join(dir, 'test.bin'), bytesOf([cifarRecord([7, 70], 4)]));
    await writeFile(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `super${i}`).join('\n'));
    const fine = await loadCifar100(join(root, 'cifar100'));
    expect([fine.numClasses, Array.from(fine.train.labels), Array.from(fine.test.labels)]).toEqual([100, [40, 99, 0], [70]]);
    expect(fine.classNames[40]).toBe('40');
    const coarse = await loadCifar100(dir, { label: 'coarse' });
    expect([coarse.numClasses, Array.from(coarse.train.labels), coarse.classNames[19]]).toEqual([20, [4, 19, 0], 'super19']);
    expect(coarse.train.images[((2 * 32 + 1) * 32 + 1) * 3]).toBe(pixel(3, 0, 1, 1));
    await writeFile(join(dir, 'test.bin'), bytesOf([cifarRecord([20, 70], 4)]));
    await expect(loadCifar100(dir)).rejects.toThrow(/test.bin: record 0 has label 20 in label byte 0, expected 0–19/);
    await writeFile(join(dir, 'test.bin'), bytesOf([cifarRecord([7, 70], 4)]).subarray(1));
    await expect(loadCifar100(dir)).rejects.toThrow(/test.bin: has 3073 bytes, not a whole number of 3074-byte records/);
  });
});

/** Writes a width×height grayscale PNG filled with `value`. */
async function png(path: string, value: number, width = 4, height = 3): Promise<void> {
  await sharp(Buffer.alloc(width * height, value), { raw: { width, height, channels: 1 } }).png().toFile(path);
}

describe('image folders', () => {
  it('loads one subfolder per class, classes and files in sorted order', async () => {
    const dir = await fresh('folder-good');
    for (const [cls, files] of [['zebra', ['b.png', 'a.png']], ['ant', ['x.png']]] as const) {
      await mkdir(join(dir, cls));
      for (const [i, f] of files.entries()) await png(join(dir, cls, f), 10 * (i + 1) + (cls === 'ant' ? 100 : 0));
    }
    await writeFile(join(dir, 'zebra', 'notes.txt'), 'not an image');
    const { set, classNames, paths, skipped } = await loadImageFolder(dir, { channels: 1 });
    expect(classNames).toEqual(['ant', 'zebra']);
    expect(paths.map((p) => p.slice(dir.length + 1))).toEqual(['ant/x.png', 'zebra/a.png', 'zebra/b.png']);
    expect(Array.from(set.labels)).toEqual([0, 1, 1]);
    expect(set.shape).toEqual([3, 3, 4, 1]);
    expect([set.images[0], set.images[12], set.images[24]]).toEqual([110 / 255, 20 / 255, 10 / 255].map(Math.fround));
    expect(skipped).toEqual([]);
  });

  it('names a corrupt image, or skips and counts it', async () => {
    const dir = await fresh('folder-corrupt');
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await png(join(dir, 'a', '1.png'), 5);
    await png(join(dir, 'b', '1.png'), 6);
    await writeFile(join(dir, 'b', '2.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const err = (await loadImageFolder(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toContain(join(dir, 'b', '2.png'));
    const { set, skipped } = await loadImageFolder(dir, { onError: 'skip', channels: 1 });
    expect(Array.from(set.labels)).toEqual([0, 1]);
    expect(skipped.map((s) => s.path)).toEqual([join(dir, 'b', '2.png')]);
  });

  it('rejects an empty folder, a class without images, mixed sizes and a missing folder', async () => {
    const empty = await fresh('folder-empty');
    await expect(loadImageFolder(empty)).rejects.toThrow(new RegExp(`${empty}: has no class subfolders`));
    await mkdir(join(empty, 'cls'));
    await expect(loadImageFolder(empty)).rejects.toThrow(new RegExp(`${join(empty, 'cls')}: has no image files`));
    const mixed = await fresh('folder-mixed');
    await mkdir(join(mixed, 'a'));
    await png(join(mixed, 'a', '1.png'), 1, 4, 3);
    await png(join(mixed, 'a', '2.png'), 1, 5, 3);
    await expect(loadImageFolder(mixed)).rejects.toThrow(/2.png: is 5x3, the batch is 4x3/);
    const resized = await loadImageFolder(mixed, { resize: { width: 2, height: 2 }, channels: 3 });
    expect(resized.set.shape).toEqual([2, 2, 2, 3]);
    await expect(loadImageFolder(join(root, 'nope'))).rejects.toThrow(/nope: does not exist/);
  });

  it('follows symbolic links inside the folder and refuses links (to a file or a class folder) pointing outside it', async () => {
    const dir = await fresh('folder-links');
    const outside = await fresh('folder-links-outside');
    await mkdir(join(dir, 'a'));
    await png(join(dir, 'a', '1.png'), 7);
    await png(join(outside, 'secret.png'), 9);
    // Inside: a linked file and a linked class folder are loaded like the real ones.
    await symlink(join(dir, 'a', '1.png'), join(dir, 'a', '2.png'));
    await symlink(join(dir, 'a'), join(dir, 'b'));
    const inside = await loadImageFolder(dir, { channels: 1 });
    expect(inside.classNames).toEqual(['a', 'b']);
    expect(inside.paths.map((p) => p.slice(dir.length + 1))).toEqual(['a/1.png', 'a/2.png', 'b/1.png', 'b/2.png']);
    await symlink(join(outside, 'secret.png'), join(dir, 'a', '3.png'));
    const err = (await loadImageFolder(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toContain(`${join(dir, 'a', '3.png')} (a symbolic link in ${dir}): "a/3.png" leads through a symbolic link`);
    await rm(join(dir, 'a', '3.png'));
    await symlink(outside, join(dir, 'c'));
    await expect(loadImageFolder(dir)).rejects.toThrow(/"c" leads through a symbolic link/);
    await rm(join(dir, 'c'));
    await symlink('../../gone.png', join(dir, 'a', '4.png'));
    await expect(loadImageFolder(dir)).rejects.toThrow(/"a\/4.png" leads through a symbolic link/);
  });

  it('reads train/ and test/ folders, the test folder with the train classes', async () => {
    const dir = await fresh('folder-dataset');
    for (const [split, classes] of [['train', ['cat', 'dog']], ['test', ['dog']]] as const) {
      for (const cls of classes) {
        await mkdir(join(dir, split, cls), { recursive: true });
        await png(join(dir, split, cls, 'i.png'), 1);
      }
    }
    const ds = await loadImageFolderDataset(dir, { channels: 1 });
    expect([ds.numClasses, ds.classNames, Array.from(ds.test.labels)]).toEqual([2, ['cat', 'dog'], [1]]);
    await mkdir(join(dir, 'test', 'bird'));
    await png(join(dir, 'test', 'bird', 'i.png'), 1);
    await expect(loadImageFolderDataset(dir)).rejects.toThrow(/test: has class folders \[bird\] that are not among the classes \[cat, dog\]/);
  });
});

describe('IDX datasets: MNIST and any IDX directory', () => {
  async function idxDir(name: string, height: number, width: number, labels: number[], testLabels: number[]) {
    const dir = await fresh(name);
    const img = (n: number) => ({ dtype: 'uint8' as const, shape: [n, height, width], data: Array.from({ length: n * height * width }, (_, i) => i % 256) });
    await writeIdx(join(dir, 'train-images-idx3-ubyte.gz'), img(labels.length), { gzip: true });
    await writeIdx(join(dir, 'train-labels-idx1-ubyte.gz'), { dtype: 'uint8', shape: [labels.length], data: labels }, { gzip: true });
    await writeIdx(join(dir, 't10k-images-idx3-ubyte'), img(testLabels.length));
    await writeIdx(join(dir, 't10k-labels-idx1-ubyte'), { dtype: 'uint8', shape: [testLabels.length], data: testLabels });
    return dir;
  }

  it('loads MNIST from a directory or $MNIST_DIR, and says how to get it when absent', async () => {
    const dir = await idxDir('mnist', 28, 28, [5, 0, 4], [7]);
    const a = await loadMnist({ dir });
    const b = await loadMnist({ env: { MNIST_DIR: dir } });
    expect([a.train.shape, Array.from(a.train.labels), a.numClasses, b.test.shape]).toEqual([[3, 28, 28], [5, 0, 4], 10, [1, 28, 28]]);
    await expect(loadMnist({ env: {} })).rejects.toThrow(/MNIST_DIR is not set. Download/);
    await expect(loadMnist({ dir: join(root, 'nowhere') })).rejects.toBeInstanceOf(DatasetNotFoundError);
    const wrong = await idxDir('mnist-27', 27, 28, [1], [1]);
    await expect(loadMnist({ dir: wrong })).rejects.toThrow(/MNIST images are uint8 \[N, 28, 28\], got shape \[1, 27, 28\]/);
  });

  it('loads any IDX directory whatever the image size and class count, by name', async () => {
    const dir = await idxDir('kuzushiji-like', 5, 7, [12, 0, 3, 7], [1, 2]);
    const ds = await loadClassificationDataset('idx', { dir });
    expect([ds.name, ds.train.shape, ds.numClasses, ds.classNames.length]).toEqual(['kuzushiji-like', [4, 5, 7], 13, 13]);
    await expect(loadClassificationDataset('idx')).rejects.toThrow(/pass the directory that holds it/);
    await expect(loadClassificationDataset('imagenet')).rejects.toThrow(/one of fashion-mnist, mnist, embedded, idx, cifar-10, cifar-100, image-folder/);
    const embedded = await loadClassificationDataset('embedded');
    expect([embedded.train.shape, embedded.classNames[9]]).toEqual([[6000, 28, 28], 'Ankle boot']);
  });
});
