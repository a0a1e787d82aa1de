import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '@metricopt/core';
import { evaluateVoc } from '../coco-eval/evaluate-voc.js';
import { loadVocDataset, VOC_CLASSES } from './load-voc-dataset.js';

let base: string;

/** A VOC annotation file as the devkit writes it. */
function xml(filename: string, objects: { name: string; box: number[]; difficult?: number }[], size = [10, 8]): string {
  return `<annotation>
  <folder>VOC2007</folder>
  <filename>${filename}</filename>
  <source><database>The VOC2007 Database</database></source>
  <size><width>${size[0]}</width><height>${size[1]}</height><depth>3</depth></size>
  <segmented>0</segmented>
${objects.map((o) => `  <object>
    <name>${o.name}</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <difficult>${o.difficult ?? 0}</difficult>
    <bndbox><xmin>${o.box[0]}</xmin><ymin>${o.box[1]}</ymin><xmax>${o.box[2]}</xmax><ymax>${o.box[3]}</ymax></bndbox>
  </object>`).join('\n')}
</annotation>
`;
}

/** Writes a VOC year directory with the given annotation texts (id → xml) and images. */
async function vocRoot(name: string, annotations: Record<string, string>, images: string[], set = Object.keys(annotations)): Promise<string> {
  const root = join(base, name);
  for (const d of ['Annotations', 'JPEGImages', join('ImageSets', 'Main')]) await mkdir(join(root, d), { recursive: true });
  for (const [id, text] of Object.entries(annotations)) await writeFile(join(root, 'Annotations', `${id}.xml`), text);
  for (const file of images) {
    await sharp({ create: { width: 10, height: 8, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toFile(join(root, 'JPEGImages', file));
  }
  await writeFile(join(root, 'ImageSets', 'Main', 'trainval.txt'), `${set.join('\n')}\n`);
  return root;
}

const goodAnnotations = () => ({
  '000005': xml('000005.jpg', [{ name: 'chair', box: [2, 3, 5, 8] }, { name: 'dog', box: [1, 1, 10, 8], difficult: 1 }]),
  '000007': xml('000007.jpg', [{ name: 'car', box: [4, 2, 6, 4] }]),
});

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'voc-'));
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('loadVocDataset', () => {
  it('reads the image set, annotations and images as COCO ground truth', async () => {
    const root = await vocRoot('good', goodAnnotations(), ['000005.jpg', '000007.jpg']);
    const tensors = tf.memory().numTensors;
    const ds = await loadVocDataset({ root });
    expect(ds.images.shape).toEqual([2, 8, 10, 3]);
    expect(ds.gt.categories).toHaveLength(20);
    expect(ds.imageIds).toEqual([1, 2]);
    expect(ds.gt.images.map((i) => i.voc_id)).toEqual(['000005', '000007']);
    const chair = VOC_CLASSES.indexOf('chair') + 1;
    const dog = VOC_CLASSES.indexOf('dog') + 1;
    expect(ds.gt.annotations).toEqual([
      { id: 1, image_id: 1, category_id: chair, bbox: [1, 2, 4, 6], area: 24, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: dog, bbox: [0, 0, 10, 8], area: 80, iscrowd: 0, difficult: 1 },
      { id: 3, image_id: 2, category_id: VOC_CLASSES.indexOf('car') + 1, bbox: [3, 1, 3, 3], area: 9, iscrowd: 0 },
    ]);
    // The difficult dog is neither missed nor a false positive: chair and car found, dog AP undefined.
    const voc = evaluateVoc(ds.gt, [
      { image_id: 1, category_id: chair, bbox: [1, 2, 4, 6], score: 0.9 },
      { image_id: 1, category_id: dog, bbox: [0, 0, 10, 8], score: 0.8 },
    ]);
    expect(voc.perCategory[String(chair)]).toBeCloseTo(1, 9);
    expect(voc.perCategory[String(dog)]).toBe(-1);
    ds.images.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('scales boxes with resize and accepts custom classes', async () => {
    const root = await vocRoot('custom', { a: xml('a.jpg', [{ name: 'thing', box: [1, 1, 5, 4] }]) }, ['a.jpg']);
    const ds = await loadVocDataset({ root, classes: ['thing'], channels: 1, resize: { width: 20, height: 4 } });
    expect(ds.images.shape).toEqual([1, 4, 20, 1]);
    expect(ds.gt.annotations[0]!.bbox).toEqual([0, 0, 10, 2]);
    ds.images.dispose();
  });

  const bad: [string, Record<string, string>, string[], RegExp, string][] = [
    ['broken XML', { x: '<annotation><object><name>cat</name></annotation>' }, ['x.jpg'], /x\.xml: is not well-formed XML/, 'x.xml'],
    ['a missing bndbox', { x: '<annotation><object><name>cat</name></object></annotation>' }, ['x.jpg'], /has no <bndbox>/, 'x.xml'],
    ['a missing name', { x: xml('x.jpg', [{ name: '', box: [1, 1, 2, 2] }]) }, ['x.jpg'], /has no <name>/, 'x.xml'],
    ['an unknown class', { x: xml('x.jpg', [{ name: 'unicorn', box: [1, 1, 2, 2] }]) }, ['x.jpg'], /"unicorn" is not one of the classes/, 'x.xml'],
    ['an inverted box', { x: xml('x.jpg', [{ name: 'cat', box: [5, 1, 2, 2] }]) }, ['x.jpg'], /inverted box/, 'x.xml'],
    ['a non-numeric box', { x: xml('x.jpg', [{ name: 'cat', box: [1, 1, NaN, 2] }]) }, ['x.jpg'], /<xmax> must be a number/, 'x.xml'],
    ['a box outside the image', { x: xml('x.jpg', [{ name: 'cat', box: [1, 1, 30, 2] }]) }, ['x.jpg'], /outside the 10x8 image/, 'x.xml'],
    ['a missing image', { x: xml('x.jpg', [{ name: 'cat', box: [1, 1, 2, 2] }]) }, [], /x\.jpg: is missing/, 'x.jpg'],
    ['a filename leaving the directory', { x: xml('../../x.jpg', []) }, ['x.jpg'], /leaves the directory/, 'x.xml'],
    ['an absolute filename', { x: xml('/tmp/x.jpg', []) }, ['x.jpg'], /absolute path/, 'x.xml'],
    ['a wrong declared size', { x: xml('x.jpg', [], [12, 8]) }, ['x.jpg'], /<size> says 12x8/, 'x.xml'],
  ];
  it.each(bad)('rejects %s with a FormatError naming the file', async (name, annotations, images, message, file) => {
    const root = await vocRoot(name.replace(/\W+/g, '-'), annotations, images);
    const tensors = tf.memory().numTensors;
    const err = await loadVocDataset({ root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toMatch(message);
    expect((err as FormatError).input).toContain(file);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('rejects a missing annotation, a missing image set and ids leaving the directory', async () => {
    const root = await vocRoot('missing', {}, [], ['000009']);
    await expect(loadVocDataset({ root })).rejects.toThrow(/000009\.xml: does not exist/);
    await expect(loadVocDataset({ root, split: 'test' })).rejects.toThrow(/test\.txt: does not exist/);
    const escaping = await vocRoot('escape', {}, [], ['../../etc/passwd']);
    await expect(loadVocDataset({ root: escaping })).rejects.toThrow(/not an image id/);
  });

  it('refuses images and annotations that are symbolic links to files outside their directory', async () => {
    const outside = join(base, 'outside');
    await mkdir(outside, { recursive: true });
    await sharp({ create: { width: 10, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toFile(join(outside, 'secret.jpg'));
    await writeFile(join(outside, 'secret.xml'), xml('y.jpg', []));
    const root = await vocRoot('symlinked', { x: xml('x.jpg', []) }, ['y.jpg']);
    await symlink(join(outside, 'secret.jpg'), join(root, 'JPEGImages', 'x.jpg'));
    await expect(loadVocDataset({ root })).rejects.toThrow(/x\.xml: <filename>: "x\.jpg" leads through a symbolic link/);
    await writeFile(join(root, 'ImageSets', 'Main', 'trainval.txt'), 'y\n');
    await symlink(join(outside, 'secret.xml'), join(root, 'Annotations', 'y.xml'));
    await expect(loadVocDataset({ root })).rejects.toThrow(/trainval\.txt: image id "y": "y\.xml" leads through a symbolic link/);
  });
});
