import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { loadImages, type ImageChannels } from '@metricopt/data';
import type { CocoAnnotation, CocoGroundTruth } from '../coco-eval/coco-types.js';
import type { DetectionDataset } from './detection-dataset.js';
import { resolveInside } from './inside-root.js';
import { parseVocAnnotation } from './parse-voc-annotation.js';

/** The 20 Pascal VOC classes, in the devkit's order; class k is category id k + 1. */
export const VOC_CLASSES: readonly string[] = Object.freeze([
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
]);

export interface VocDatasetOptions {
  /** The year directory, e.g. `VOCdevkit/VOC2007`, holding Annotations/, JPEGImages/ and ImageSets/Main/. */
  root: string;
  /** The image set `ImageSets/Main/<split>.txt` (default 'trainval'). */
  split?: string;
  /** Class names (default VOC_CLASSES); an object of another class is a FormatError. */
  classes?: readonly string[];
  /** 1 (grayscale) or 3 (RGB, default). */
  channels?: ImageChannels;
  /** Stretch every image to width × height (boxes scaled with it); without it all images must have one size. */
  resize?: { width: number; height: number };
  concurrency?: number;
}

const ID_PATTERN = /^[\w.-]+$/;

/**
 * Loads a Pascal VOC detection split as COCO ground truth plus an image tensor. Image ids are
 * 1…N in the image set's order (`voc_id` keeps the file stem); category id = class index + 1; a
 * `difficult` object becomes `difficult: 1` (read by evaluateVoc). Boxes: the devkit's 1-based
 * inclusive corners become COCO `[xmin − 1, ymin − 1, xmax − xmin + 1, ymax − ymin + 1]`; area =
 * box area. Every problem is a FormatError naming the file: a missing image set, annotation or
 * image, broken XML, a missing field, an unknown class, a bad box, an id or filename leaving the
 * dataset directory.
 *
 * ```ts
 * const voc = await loadVocDataset({ root: 'VOCdevkit/VOC2007', split: 'test', resize: { width: 96, height: 96 } });
 * voc.gt.categories.length;   // 20
 * ```
 */
export async function loadVocDataset(options: VocDatasetOptions): Promise<DetectionDataset> {
  const fn = 'loadVocDataset';
  const root = options?.root;
  if (typeof root !== 'string' || root.length === 0) throw new InvalidArgumentError(fn, 'options.root', 'the VOC year directory', describe(root));
  const split = options.split ?? 'trainval';
  if (!ID_PATTERN.test(split) || split.includes('..')) throw new InvalidArgumentError(fn, 'options.split', 'an image set name like trainval', describe(split));
  const classes = options.classes ?? VOC_CLASSES;
  if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => typeof c === 'string')) {
    throw new InvalidArgumentError(fn, 'options.classes', 'a non-empty list of class names', describe(classes));
  }
  const resize = options.resize;
  if (resize !== undefined && !(Number.isInteger(resize?.width) && Number.isInteger(resize?.height) && resize.width > 0 && resize.height > 0)) {
    throw new InvalidArgumentError(fn, 'options.resize', '{ width, height } of positive integers', describe(resize));
  }
  const setPath = join(root, 'ImageSets', 'Main', `${split}.txt`);
  const ids = (await readText(setPath)).split(/\r?\n/).map((l) => l.trim().split(/\s+/)[0]!).filter((l) => l.length > 0);
  ids.forEach((id, i) => {
    if (!ID_PATTERN.test(id) || id === '.' || id === '..') throw new FormatError(setPath, `line ${i + 1}: ${JSON.stringify(id)} is not an image id (letters, digits, _ . -)`);
  });
  if (ids.length === 0) throw new FormatError(setPath, 'lists no images');
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const gt: CocoGroundTruth = { images: [], annotations: [], categories: classes.map((name, k) => ({ id: k + 1, name })) };
  const files: string[] = [];
  const declared: { width?: number; height?: number; xml: string }[] = [];
  const annotations = await Promise.all(ids.map(async (id) => {
    const xmlPath = resolveInside(join(root, 'Annotations'), `${id}.xml`, setPath, `image id ${JSON.stringify(id)}`);
    return { id, xmlPath, ann: parseVocAnnotation(await readText(xmlPath), xmlPath) };
  }));
  for (const [i, { id, xmlPath, ann }] of annotations.entries()) {
    const file = resolveInside(join(root, 'JPEGImages'), ann.filename ?? `${id}.jpg`, xmlPath, '<filename>');
    files.push(file);
    declared.push({ ...(ann.width !== undefined ? { width: ann.width, height: ann.height! } : {}), xml: xmlPath });
    gt.images.push({ id: i + 1, voc_id: id, file_name: ann.filename ?? `${id}.jpg` });
    for (const o of ann.objects) {
      const k = classIndex.get(o.name);
      if (k === undefined) throw new FormatError(xmlPath, `object class ${JSON.stringify(o.name)} is not one of the classes (${classes.join(', ')})`);
      const w = o.xmax - o.xmin + 1;
      const h = o.ymax - o.ymin + 1;
      const a: CocoAnnotation = {
        id: gt.annotations.length + 1, image_id: i + 1, category_id: k + 1, bbox: [o.xmin - 1, o.ymin - 1, w, h], area: w * h, iscrowd: 0,
      };
      if (o.difficult) a.difficult = 1;
      if (o.truncated) a.truncated = 1;
      gt.annotations.push(a);
    }
  }
  await Promise.all(files.map(async (file, i) => {
    if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new FormatError(file, `is missing (the image of ${declared[i]!.xml})`);
  }));
  const loaded = await loadImages(files, {
    channels: options.channels ?? 3,
    ...(resize ? { resize: { ...resize, fit: 'fill' as const } } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  try {
    const [, H, W] = loaded.images.shape as number[];
    const sizes = await Promise.all(files.map(async (file) => {
      if (resize === undefined) return { width: W!, height: H! };
      const meta = await sharp(file).metadata();
      return { width: meta.width ?? 0, height: meta.height ?? 0 };
    }));
    sizes.forEach((size, i) => {
      const d = declared[i]!;
      if (d.width !== undefined && (d.width !== size.width || d.height !== size.height)) {
        throw new FormatError(d.xml, `<size> says ${d.width}x${d.height}, but ${files[i]} is ${size.width}x${size.height}`);
      }
    });
    gt.annotations = gt.annotations.map((a) => {
      const { width, height } = sizes[(a.image_id as number) - 1]!;
      const sx = W! / width;
      const sy = H! / height;
      if (sx === 1 && sy === 1) return a;
      const [x, y, w, h] = a.bbox as number[];
      return { ...a, bbox: [x! * sx, y! * sy, w! * sx, h! * sy], area: a.area! * sx * sy };
    });
    gt.images = gt.images.map((img) => ({ ...img, width: W!, height: H! }));
    return { gt, images: loaded.images, imageIds: gt.images.map((img) => img.id), categoryIds: gt.categories.map((c) => c.id), source: setPath };
  } catch (err) {
    loaded.images.dispose();
    throw err;
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FormatError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`, { cause: err });
  }
}
