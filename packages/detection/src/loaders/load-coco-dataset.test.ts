import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { loadCocoDataset } from './load-coco-dataset.js';

let root: string;
const W = 8;
const H = 6;

/** A grayscale image whose pixel (x, y) is 10·x + y, so rows and columns can be checked. */
async function png(path: string, w = W, h = H): Promise<void> {
  const data = Buffer.from(Array.from({ length: w * h }, (_, i) => 10 * (i % w) + Math.floor(i / w)));
  await sharp(data, { raw: { width: w, height: h, channels: 1 } }).png().toFile(path);
}

const good = () => ({
  images: [
    { id: 7, file_name: 'a.png', width: W, height: H },
    { id: 3, file_name: 'sub/b.png', width: W, height: H },
  ],
  categories: [{ id: 5, name: 'cat' }, { id: 2, name: 'dog' }],
  annotations: [
    { id: 1, image_id: 7, category_id: 5, bbox: [1, 1, 4, 3], area: 10, iscrowd: 0 },
    { id: 2, image_id: 3, category_id: 2, bbox: [0, 0, 8, 6], iscrowd: 0 },
  ],
});

async function write(name: string, json: unknown): Promise<string> {
  const path = join(root, name);
  await writeFile(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'coco-'));
  await mkdir(join(root, 'sub'));
  await png(join(root, 'a.png'));
  await png(join(root, 'sub', 'b.png'));
  await png(join(root, 'big.png'), 16, 12);
  await writeFile(join(root, 'broken.png'), Buffer.from('not a png at all'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadCocoDataset', () => {
  it('loads the images in gt.images order with the ground truth and sorted category ids', async () => {
    const tensors = tf.memory().numTensors;
    const ds = await loadCocoDataset({ annotations: await write('good.json', good()), channels: 1 });
    expect(ds.images.shape).toEqual([2, H, W, 1]);
    expect(ds.imageIds).toEqual([7, 3]);
    expect(ds.categoryIds).toEqual([2, 5]);
    expect(ds.gt.annotations.map((a) => a.bbox)).toEqual([[1, 1, 4, 3], [0, 0, 8, 6]]);
    // Pixel (x = 3, y = 2) of the first image is 32 / 255.
    expect(ds.images.dataSync()[2 * W + 3]).toBeCloseTo(32 / 255, 6);
    ds.images.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('scales boxes and areas with resize', async () => {
    const ds = await loadCocoDataset({ annotations: await write('good2.json', good()), channels: 1, resize: { width: 16, height: 3 } });
    expect(ds.images.shape).toEqual([2, 3, 16, 1]);
    expect(ds.gt.annotations[0]!.bbox).toEqual([2, 0.5, 8, 1.5]);
    expect(ds.gt.annotations[0]!.area).toBe(10);
    expect(ds.gt.images[0]).toMatchObject({ width: 16, height: 3 });
    ds.images.dispose();
  });

  const bad: [string, (g: ReturnType<typeof good>) => unknown, RegExp][] = [
    ['malformed JSON', () => '{"images": [', /not valid JSON/],
    ['an annotation without a bbox', (g) => { delete (g.annotations[0] as Partial<(typeof g.annotations)[0]>).bbox; return g; }, /annotations\[0\]\.bbox/],
    ['a negative width', (g) => { g.annotations[1]!.bbox = [0, 0, -2, 3]; return g; }, /annotations\[1\]\.bbox\[2\]/],
    ['a non-numeric box', (g) => { (g.annotations[1]!.bbox as unknown[]) = [0, 0, 'NaN', 3]; return g; }, /bbox\[2\]/],
    ['an unknown category', (g) => { g.annotations[0]!.category_id = 9; return g; }, /annotations\[0\]\.category_id/],
    ['an unknown image', (g) => { g.annotations[0]!.image_id = 99; return g; }, /annotations\[0\]\.image_id/],
    ['a box outside its image', (g) => { g.annotations[0]!.bbox = [6, 1, 4, 3]; return g; }, /outside its image/],
    ['no categories', (g) => { delete (g as Partial<typeof g>).categories; return g; }, /categories/],
    ['a file_name leaving the directory', (g) => { g.images[0]!.file_name = '../x.png'; return g; }, /leaves the directory/],
    ['an absolute file_name', (g) => { g.images[0]!.file_name = '/etc/passwd'; return g; }, /absolute path/],
    ['a missing file_name', (g) => { delete (g.images[1] as Partial<(typeof g.images)[1]>).file_name; return g; }, /images\[1\]\.file_name/],
    ['a wrong declared size', (g) => { g.images[0]!.width = 9; return g; }, /says 9x6/],
  ];
  it.each(bad)('rejects %s with a FormatError naming the annotation file', async (name, make, message) => {
    const file = `bad-${name.replace(/\W+/g, '-')}.json`;
    const path = await write(file, make(good()));
    const tensors = tf.memory().numTensors;
    const err = await loadCocoDataset({ annotations: path, channels: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(name === 'a wrong declared size' ? 'a.png' : file);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it.each([
    ['a missing image', 'gone.png', /gone\.png: is missing/],
    ['an undecodable image', 'broken.png', /broken\.png: cannot be decoded/],
    ['an image of another size', 'big.png', /big\.png: is 16x12/],
  ])('rejects %s with a FormatError naming the image', async (_, file, message) => {
    const g = good();
    g.images[1]!.file_name = file;
    delete (g.images[1] as Partial<(typeof g.images)[1]>).width;
    const err = await loadCocoDataset({ annotations: await write(`img-${file}.json`, g), channels: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses a file_name that is a symbolic link to an image outside the image directory', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'coco-outside-'));
    await png(join(outside, 'secret.png'));
    await symlink(join(outside, 'secret.png'), join(root, 'linked.png'));
    await symlink(outside, join(root, 'linked-dir'));
    for (const [i, name] of ['linked.png', 'linked-dir/secret.png'].entries()) {
      const g = good();
      g.images[0]!.file_name = name;
      const file = `symlink-${i}.json`;
      const err = await loadCocoDataset({ annotations: await write(file, g), channels: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FormatError);
      expect((err as Error).message).toContain(`${file}: images[0].file_name: "${name}" leads through a symbolic link`);
    }
    // A link that stays inside the directory is followed.
    await symlink(join(root, 'a.png'), join(root, 'inside-link.png'));
    const g = good();
    g.images[0]!.file_name = 'inside-link.png';
    const ds = await loadCocoDataset({ annotations: await write('symlink-inside.json', g), channels: 1 });
    expect(ds.images.shape).toEqual([2, H, W, 1]);
    ds.images.dispose();
    await rm(outside, { recursive: true, force: true });
  });

  it('reports a missing annotation file', async () => {
    await expect(loadCocoDataset({ annotations: join(root, 'nope.json') })).rejects.toThrow(/nope\.json: does not exist/);
  });
});
