import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { FormatError, InvalidArgumentError } from '@metricopt/core';
import { DatasetNotFoundError, writeIdx } from '@metricopt/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCarsList } from './cars.js';
import { loadCubList } from './cub.js';
import { decodeImageList } from './decode-image-list.js';
import { loadFashionMnistRetrieval } from './fashion-mnist-retrieval.js';
import { insideRoot } from './image-list.js';
import { loadRetrievalDataset } from './load-retrieval-dataset.js';
import { loadSopList } from './sop.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'retrieval-loaders-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let counter = 0;
async function fresh(name: string): Promise<string> {
  const dir = join(root, `${name}-${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** A 6 × 4 PNG filled with one gray level (so decoded pixels say which file they came from). */
async function png(path: string, level: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await sharp(Buffer.alloc(6 * 4 * 3, level), { raw: { width: 6, height: 4, channels: 3 } }).png().toFile(path);
}

async function write(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** CUB-200-2011 as distributed: images.txt, image_class_labels.txt, classes.txt, images/<class folder>/<file>. */
async function cubFixture(over: { images?: string; labels?: string } = {}): Promise<string> {
  const dir = await fresh('CUB_200_2011');
  const folders = ['001.Black_footed_Albatross', '002.Laysan_Albatross', '003.Sooty_Albatross', '004.Groove_billed_Ani'];
  const images: string[] = [];
  const labels: string[] = [];
  let id = 1;
  for (const [c, folder] of folders.entries()) {
    for (let k = 0; k < 2; k++) {
      const rel = `${folder}/${folder.slice(4)}_${k}.png`;
      await png(join(dir, 'images', rel), 10 * id);
      images.push(`${id} ${rel}`);
      labels.push(`${id} ${c + 1}`);
      id++;
    }
  }
  await write(join(dir, 'images.txt'), over.images ?? `${images.join('\n')}\n`);
  await write(join(dir, 'image_class_labels.txt'), over.labels ?? `${labels.join('\n')}\n`);
  await write(join(dir, 'classes.txt'), folders.map((f, i) => `${i + 1} ${f}`).join('\n'));
  return dir;
}

describe('loadCubList (CUB-200-2011 layout)', () => {
  it('reads the lists, keeps ids in order, and splits the classes in halves (1–100 / 101–200)', async () => {
    const dir = await cubFixture();
    const list = await loadCubList(dir);
    expect(list.paths.map((p) => p.slice(dir.length + 1))).toEqual([
      'images/001.Black_footed_Albatross/Black_footed_Albatross_0.png', 'images/001.Black_footed_Albatross/Black_footed_Albatross_1.png',
      'images/002.Laysan_Albatross/Laysan_Albatross_0.png', 'images/002.Laysan_Albatross/Laysan_Albatross_1.png',
      'images/003.Sooty_Albatross/Sooty_Albatross_0.png', 'images/003.Sooty_Albatross/Sooty_Albatross_1.png',
      'images/004.Groove_billed_Ani/Groove_billed_Ani_0.png', 'images/004.Groove_billed_Ani/Groove_billed_Ani_1.png',
    ]);
    expect(Array.from(list.labels)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(list.testClasses).toEqual([3, 4]);
    expect(list.classNames?.get(2)).toBe('002.Laysan_Albatross');
    // The directory holding CUB_200_2011 works too.
    expect((await loadCubList(dirname(dir).concat('/', dir.split('/').pop()!))).paths).toEqual(list.paths);
    const ds = await decodeImageList(list, { size: 4, channels: 1 });
    expect(ds.images.shape).toEqual([8, 4, 4, 1]);
    expect(Array.from(ds.images.images.subarray(16, 32))).toEqual(new Array(16).fill(20));
    expect(ds.testClasses).toEqual([3, 4]);
  });

  it('finds the dataset inside the directory that holds CUB_200_2011', async () => {
    const parent = await fresh('parent');
    const cub = await cubFixture();
    await rm(join(parent), { recursive: true });
    await mkdir(parent);
    const { rename } = await import('node:fs/promises');
    await rename(cub, join(parent, 'CUB_200_2011'));
    expect((await loadCubList(parent)).paths).toHaveLength(8);
  });

  it.each([
    ['a line without a path', { images: '1 001.a/x.png\n2\n' }, /images\.txt: line 2: expected "<image id> <path>", got "2"/],
    ['a repeated image id', { images: '1 001.a/x.png\n1 001.a/y.png\n' }, /images\.txt: line 2: image id 1 repeats line 1/],
    ['a label for an unknown image id', { images: '1 001.a/x.png\n', labels: '1 1\n7 1\n' }, /image_class_labels\.txt: line 2: image id 7 is not in images\.txt/],
    ['a bad label line', { images: '1 001.a/x.png\n', labels: '1 one\n' }, /image_class_labels\.txt: line 1: expected "<image id> <class id>"/],
    ['an image without a class', { images: '1 001.a/x.png\n2 001.a/y.png\n', labels: '1 1\n' }, /image id 2 \(images\.txt line 2\) has no class/],
    ['a path out of the dataset', { images: '1 ../../../etc/passwd\n', labels: '1 1\n' }, /images\.txt: line 1: path "\.\.\/\.\.\/\.\.\/etc\/passwd" is not inside the dataset root/],
    ['an absolute path', { images: '1 /etc/passwd\n', labels: '1 1\n' }, /line 1: path "\/etc\/passwd" is not inside/],
  ])('rejects %s as a FormatError naming the file and line', async (_, over, message) => {
    const dir = await cubFixture(over);
    const error = await loadCubList(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FormatError);
    expect((error as Error).message).toMatch(message);
  });

  it('says how to get the dataset when its lists are missing', async () => {
    const dir = await fresh('empty');
    await expect(loadCubList(dir)).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(loadCubList(dir)).rejects.toThrow(/images\.txt not found.*CUB_200_2011/);
  });

  it('names a missing or corrupt image when decoding, or skips it and lists it', async () => {
    const dir = await cubFixture();
    await writeFile(join(dir, 'images/002.Laysan_Albatross/Laysan_Albatross_1.png'), 'not a png');
    await rm(join(dir, 'images/003.Sooty_Albatross/Sooty_Albatross_0.png'));
    const list = await loadCubList(dir);
    await expect(decodeImageList(list, { size: 4 })).rejects.toThrow(/Laysan_Albatross_1\.png|Sooty_Albatross_0\.png/);
    const ds = await decodeImageList(list, { size: 4, onError: 'skip' });
    expect(ds.images.shape).toEqual([6, 4, 4, 3]);
    expect(Array.from(ds.images.labels)).toEqual([1, 1, 2, 3, 4, 4]);
    expect((ds.info.skipped as { path: string }[]).map((s) => s.path.split('/').pop())).toEqual(['Laysan_Albatross_1.png', 'Sooty_Albatross_0.png']);
  });

  it('keeps a few images per class, or a few classes (half train, half test)', async () => {
    const list = await loadCubList(await cubFixture());
    expect(Array.from((await decodeImageList(list, { size: 4, perClass: 1 })).images.labels)).toEqual([1, 2, 3, 4]);
    const few = await decodeImageList(list, { size: 4, maxClasses: 4 });
    expect(few.testClasses).toEqual([3, 4]);
    await expect(decodeImageList(list, { size: 2 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('loadCarsList (Cars196, converted layouts)', () => {
  it('reads cars_annos.csv (relative_im_path and class columns, others ignored)', async () => {
    const dir = await fresh('cars-csv');
    const rows = ['"relative_im_path","bbox_x1","bbox_y1","bbox_x2","bbox_y2","class","test"'];
    for (let i = 1; i <= 6; i++) {
      await png(join(dir, 'car_ims', `00000${i}.png`), i * 30);
      rows.push(`car_ims/00000${i}.png,1,2,3,4,${Math.ceil(i / 1.5)},${i % 2}`);
    }
    await write(join(dir, 'cars_annos.csv'), `${rows.join('\n')}\n`);
    const list = await loadCarsList(dir);
    expect(Array.from(list.labels)).toEqual([1, 2, 2, 3, 4, 4]);
    expect(list.testClasses).toEqual([3, 4]);
    expect(list.paths[0]).toBe(join(dir, 'car_ims', '000001.png'));
    await write(join(dir, 'cars_annos.csv'), 'relative_im_path,class\ncar_ims/000001.png,1\ncar_ims/000002.png\n');
    await expect(loadCarsList(dir)).rejects.toThrow(/cars_annos\.csv: line 3: expected 2 comma-separated values/);
    await write(join(dir, 'cars_annos.csv'), 'relative_im_path,class\n../outside.png,1\n');
    await expect(loadCarsList(dir)).rejects.toThrow(/line 2: path "\.\.\/outside\.png" is not inside the dataset root/);
    await write(join(dir, 'cars_annos.csv'), 'path,label\nx.png,1\n');
    await expect(loadCarsList(dir)).rejects.toThrow(/line 1: expected a header with relative_im_path and class/);
  });

  it('reads folders per class, merging train/ and test/, classes numbered in name order', async () => {
    const dir = await fresh('cars-folders');
    for (const [part, name, file] of [
      ['train', 'Acura RL Sedan 2012', 'a.jpg'], ['test', 'Acura RL Sedan 2012', 'b.jpg'], ['train', 'AM General Hummer SUV 2000', 'c.jpg'],
      ['test', 'Audi R8 Coupe 2012', 'd.jpg'], ['train', 'BMW M3 Coupe 2012', 'e.png'],
    ] as const) {
      await png(join(dir, part, name, file), 50);
    }
    await write(join(dir, 'train', 'BMW M3 Coupe 2012', 'notes.txt'), 'not an image');
    const list = await loadCarsList(dir);
    expect([...list.classNames!.values()]).toEqual(['AM General Hummer SUV 2000', 'Acura RL Sedan 2012', 'Audi R8 Coupe 2012', 'BMW M3 Coupe 2012']);
    expect(Array.from(list.labels)).toEqual([1, 2, 2, 3, 4]);
    expect(list.testClasses).toEqual([3, 4]);
    await expect(loadCarsList(await fresh('cars-empty'))).rejects.toBeInstanceOf(DatasetNotFoundError);
  });
});

describe('loadSopList (Stanford Online Products layout)', () => {
  const header = 'image_id class_id super_class_id path';
  async function sop(train: string, test: string): Promise<string> {
    const dir = await fresh('sop');
    await write(join(dir, 'Ebay_train.txt'), train);
    await write(join(dir, 'Ebay_test.txt'), test);
    return dir;
  }

  it('reads both files; the test classes are those of Ebay_test.txt', async () => {
    const dir = await sop(
      `${header}\n1 1 1 bicycle_final/111_0.JPG\n2 1 1 bicycle_final/111_1.JPG\n3 2 1 bicycle_final/222_0.JPG\n`,
      `${header}\n4 3 2 cabinet_final/333_0.JPG\n5 3 2 cabinet_final/333_1.JPG\n`,
    );
    const list = await loadSopList(dir);
    expect(Array.from(list.labels)).toEqual([1, 1, 2, 3, 3]);
    expect(list.testClasses).toEqual([3]);
    expect(list.paths[4]).toBe(join(dir, 'cabinet_final', '333_1.JPG'));
  });

  it.each([
    ['a wrong header', 'id class path\n1 1 1 a/x.JPG\n', `${header}\n2 2 1 a/y.JPG\n`, /Ebay_train\.txt: line 1: expected the header/],
    ['a short line', `${header}\n1 1 a/x.JPG\n`, `${header}\n2 2 1 a/y.JPG\n`, /Ebay_train\.txt: line 2: expected "image_id class_id super_class_id path"/],
    ['a repeated image id', `${header}\n1 1 1 a/x.JPG\n`, `${header}\n1 2 1 a/y.JPG\n`, /Ebay_test\.txt: line 2: image id 1 repeats \(Ebay_train\.txt line 2\)/],
    ['a class in both splits', `${header}\n1 1 1 a/x.JPG\n`, `${header}\n2 1 1 a/y.JPG\n`, /class 1 is also in Ebay_train\.txt/],
    ['a path out of the dataset', `${header}\n1 1 1 ../../x.JPG\n`, `${header}\n2 2 1 a/y.JPG\n`, /Ebay_train\.txt: line 2: path "\.\.\/\.\.\/x\.JPG" is not inside/],
  ])('rejects %s as a FormatError naming the file and line', async (_, train, test, message) => {
    await expect(loadSopList(await sop(train, test))).rejects.toThrow(message);
  });

  it('says how to get the dataset when a list is missing', async () => {
    await expect(loadSopList(await fresh('sop-empty'))).rejects.toThrow(/Ebay_train\.txt not found.*Stanford Online Products/);
  });
});

describe('insideRoot', () => {
  it.each([['a/b.jpg', true], ['a/../b.jpg', true], ['./a.jpg', true], ['../a.jpg', false], ['a/../../b', false], ['/abs.jpg', false], ['', false], ['a\\..\\..\\b', false]])(
    '%s inside: %s',
    (path, ok) => {
      const call = () => insideRoot('/data/set', path, 'list.txt', 3);
      if (ok) expect(call().startsWith('/data/set/')).toBe(true);
      else expect(call).toThrow(/list\.txt: line 3: path .* is not inside the dataset root/);
    },
  );

  it('refuses a path through a symbolic link that points outside the root, follows one that stays inside', async () => {
    const dir = await fresh('inside-root-links');
    const outside = await fresh('inside-root-outside');
    await mkdir(join(dir, 'cls'));
    await writeFile(join(dir, 'cls', 'real.jpg'), 'x');
    await writeFile(join(outside, 'secret.jpg'), 'x');
    await symlink(join(outside, 'secret.jpg'), join(dir, 'cls', 'out.jpg'));
    await symlink(outside, join(dir, 'out-dir'));
    await symlink(join(dir, 'cls'), join(dir, 'in-dir'));
    expect(insideRoot(dir, 'in-dir/real.jpg', 'list.txt', 1)).toBe(join(dir, 'in-dir', 'real.jpg'));
    expect(() => insideRoot(dir, 'cls/out.jpg', 'list.txt', 2)).toThrow(/list\.txt: line 2: "cls\/out\.jpg" leads through a symbolic link/);
    expect(() => insideRoot(dir, 'out-dir/secret.jpg', 'list.txt', 3)).toThrow(/list\.txt: line 3: .* leads through a symbolic link/);
  });
});

describe('loadFashionMnistRetrieval and loadRetrievalDataset', () => {
  it('pools train and test images, keeps perClass of each, classes 5–9 unseen', async () => {
    const dir = await fresh('fashion');
    const labels = Array.from({ length: 30 }, (_, i) => i % 10);
    const images = Uint8Array.from({ length: 30 * 784 }, (_, i) => Math.floor(i / 784));
    for (const set of ['train', 't10k']) {
      const data = set === 'train' ? images : images.map((v) => v + 100);
      await writeIdx(join(dir, `${set}-images-idx3-ubyte`), { dtype: 'uint8', shape: [30, 28, 28], data });
      await writeIdx(join(dir, `${set}-labels-idx1-ubyte`), { dtype: 'uint8', shape: [30], data: labels });
    }
    const ds = await loadFashionMnistRetrieval({ dir, perClass: 4 });
    expect(ds.images.shape).toEqual([40, 28, 28]);
    expect(ds.testClasses).toEqual([5, 6, 7, 8, 9]);
    // Four of each class: three from the training file, the fourth from the test file.
    expect(Array.from(ds.images.labels).filter((y) => y === 0)).toHaveLength(4);
    expect([ds.images.images[3 * 784], ds.images.images[30 * 784], ds.images.labels[30]]).toEqual([3, 100, 0]);
    expect((await loadRetrievalDataset('fashion-mnist', { dir, perClass: 2 })).images.shape).toEqual([20, 28, 28]);
  });

  it('needs a directory for the datasets that cannot be downloaded here', async () => {
    await expect(loadRetrievalDataset('cub')).rejects.toThrow(/dir.*--data-dir/);
    await expect(loadRetrievalDataset('imagenet' as never)).rejects.toThrow(/one of glyphs, fashion-mnist, cub, cars, sop/);
  });
});
