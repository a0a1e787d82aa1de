import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { FormatError, InvalidArgumentError, describe } from '@metricopt/core';
import { loadImages, type ImageChannels } from '@metricopt/data';
import { parseCocoGroundTruth } from '../coco-eval/parse-coco.js';
import type { CocoGroundTruth } from '../coco-eval/coco-types.js';
import type { DetectionDataset } from './detection-dataset.js';
import { resolveInside } from './inside-root.js';

export interface CocoDatasetOptions {
  /** Path of the COCO instances JSON. */
  annotations: string;
  /** Directory that the images' `file_name`s are relative to (default: the JSON's directory). */
  imageDir?: string;
  /** 1 (grayscale) or 3 (RGB, default). */
  channels?: ImageChannels;
  /** Stretch every image to width × height (boxes and areas are scaled with it); without it all images must have one size. */
  resize?: { width: number; height: number };
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

/** Boxes may overhang the image by this many pixels (rounding in real annotation files). */
const EDGE_TOLERANCE = 1;

/**
 * Loads a COCO detection dataset: the instances JSON (validated: ids, boxes, categories) and its
 * images (sharp), in `images` order. Every problem is a FormatError naming the file: malformed JSON,
 * a negative or NaN box, an annotation of an unknown image or category, a box outside its image,
 * a `file_name` that is absolute or leaves the image directory, a missing or undecodable image,
 * an image whose size differs from its `width`/`height`.
 *
 * ```ts
 * const ds = await loadCocoDataset({ annotations: 'scenes/test/annotations.json', channels: 1 });
 * ds.images.shape;   // [500, 96, 96, 1]
 * ds.gt.annotations.length;   // 1740
 * ```
 */
export async function loadCocoDataset(options: CocoDatasetOptions): Promise<DetectionDataset> {
  const fn = 'loadCocoDataset';
  const path = options?.annotations;
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(fn, 'options.annotations', 'the path of a COCO JSON file', describe(path));
  const imageDir = options.imageDir ?? dirname(path);
  const resize = options.resize;
  if (resize !== undefined && !(Number.isInteger(resize?.width) && Number.isInteger(resize?.height) && resize.width > 0 && resize.height > 0)) {
    throw new InvalidArgumentError(fn, 'options.resize', '{ width, height } of positive integers', describe(resize));
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FormatError(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`, { cause: err });
  }
  const gt = parseCocoGroundTruth(text, path);
  const files = gt.images.map((img, i) => resolveInside(imageDir, img.file_name, path, `images[${i}].file_name`));
  gt.images.forEach((img, i) => {
    for (const key of ['width', 'height'] as const) {
      const v = img[key];
      if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0)) {
        throw new FormatError(path, `images[${i}].${key} must be a positive integer, got ${describe(v)}`);
      }
    }
  });
  await Promise.all(files.map(async (file, i) => {
    const ok = await stat(file).then((s) => s.isFile(), () => false);
    if (!ok) throw new FormatError(file, `is missing (images[${i}].file_name of ${path})`);
  }));
  const loaded = await loadImages(files, {
    channels: options.channels ?? 3,
    ...(resize ? { resize: { ...resize, fit: 'fill' as const } } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
  });
  try {
    const [, H, W] = loaded.images.shape;
    // The files' own sizes: the loaded batch's without resize, else each file's header.
    const sizes = await Promise.all(files.map(async (file) => (resize === undefined ? { width: W!, height: H! } : imageSize(file))));
    gt.images.forEach((img, i) => {
      const { width, height } = sizes[i]!;
      if ((img.width !== undefined && img.width !== width) || (img.height !== undefined && img.height !== height)) {
        throw new FormatError(files[i]!, `is ${width}x${height}, but images[${i}] of ${path} says ${String(img.width)}x${String(img.height)}`);
      }
    });
    return { gt: scaleToLoaded(gt, sizes, W, H, path), images: loaded.images, imageIds: gt.images.map((img) => img.id), categoryIds: sortedIds(gt), source: path };
  } catch (err) {
    loaded.images.dispose();
    throw err;
  }
}

async function imageSize(file: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(file).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** Checks boxes against their image and rescales them to the loaded size; returns a new ground truth. */
function scaleToLoaded(gt: CocoGroundTruth, sizes: { width: number; height: number }[], W: number, H: number, path: string): CocoGroundTruth {
  const rowOf = new Map(gt.images.map((img, i) => [img.id, i]));
  const annotations = gt.annotations.map((a, i) => {
    const row = rowOf.get(a.image_id)!;
    const { width, height } = sizes[row]!;
    const [x, y, w, h] = a.bbox as [number, number, number, number];
    if (x < -EDGE_TOLERANCE || y < -EDGE_TOLERANCE || x + w > width + EDGE_TOLERANCE || y + h > height + EDGE_TOLERANCE) {
      throw new FormatError(path, `annotations[${i}].bbox [${a.bbox.join(', ')}] lies outside its image (${width}x${height})`);
    }
    const sx = W / width;
    const sy = H / height;
    if (sx === 1 && sy === 1) return { ...a };
    return { ...a, bbox: [x * sx, y * sy, w * sx, h * sy], area: (a.area ?? w * h) * sx * sy };
  });
  return { ...gt, images: gt.images.map((img) => ({ ...img, width: W, height: H })), annotations };
}

function sortedIds(gt: CocoGroundTruth): DetectionDataset['categoryIds'] {
  return gt.categories.map((c) => c.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
