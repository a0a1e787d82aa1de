import { InvalidArgumentError, Rng, describe } from '@metricopt/core';
import type { CocoAnnotation, CocoGroundTruth } from '../coco-eval/coco-types.js';
import { maskBox, resizeBilinear } from './resize-bilinear.js';

/** Items to paste: single-channel uint8 images [N, H, W] row-major and their classes (e.g. Fashion-MNIST). */
export interface SceneItems {
  images: Uint8Array;
  /** [N, H, W] */
  shape: number[];
  labels: ArrayLike<number>;
  /** One name per class; class c becomes COCO category id c + 1. */
  classNames: readonly string[];
}

export interface SceneOptions {
  /** Number of canvases. */
  count: number;
  seed: number;
  /** Canvas side in pixels (default 96). */
  size?: number;
  /** Objects per canvas, drawn uniformly in [minObjects, maxObjects] (default 1–6). */
  minObjects?: number;
  maxObjects?: number;
  /** Pasted side = item side × a scale drawn uniformly in [minScale, maxScale] (default 0.6–1.4), per axis jittered by up to ±`aspectJitter` (default 0.15). */
  minScale?: number;
  maxScale?: number;
  aspectJitter?: number;
  /** Largest IoU a new object's box may have with one already placed; placement is retried, then the object dropped (default 0.35). */
  maxOverlap?: number;
  /** A pasted pixel belongs to the object's mask when above this value, 0–255 (default 25). */
  maskThreshold?: number;
  /** Background noise: uniform in [0, noise·255] per pixel (default 0). */
  noise?: number;
  /** Which items may be pasted (indices into `items`; default all). */
  itemIndices?: ArrayLike<number>;
  /**
   * Relative frequency of each class among the pasted objects, one weight ≥ 0 per class (e.g. long-tailed like
   * COCO's categories). Each object draws its class by weight, then an item of that class. Default: items drawn
   * uniformly, so classes appear as often as the items hold them.
   */
  classWeights?: ArrayLike<number>;
}

/** Generated scenes: COCO ground truth and the canvases' pixels (uint8 [size, size], row-major), one per `gt.images` entry. */
export interface Scenes {
  gt: CocoGroundTruth;
  pixels: Uint8Array[];
  size: number;
}

const PLACEMENT_TRIES = 20;

/**
 * Pastes real objects onto black canvases: per canvas 1–6 items drawn at random, each resized
 * (bilinear) by a random scale and aspect, put at a random position inside the canvas and
 * composited by pixel-wise maximum, so overlapping objects stay visible. Each object's box is
 * the tight box of its own mask (its pasted pixels above `maskThreshold`), and its `area` is the
 * mask's pixel count (COCO's convention: segment area, not box area). Categories are the item
 * classes (id = class + 1). The same items, options and seed give the same scenes.
 *
 * ```ts
 * const items = await sceneItems('embedded');
 * const scenes = generateScenes(items.train, { count: 100, seed: 1 });
 * scenes.gt.annotations[0];   // { id: 1, image_id: 1, category_id: 5, bbox: [68, 60, 22, 33], area: 583, iscrowd: 0 }
 * ```
 */
export function generateScenes(items: SceneItems, options: SceneOptions): Scenes {
  const o = resolve(items, options);
  const [, itemH, itemW] = items.shape as [number, number, number];
  const rng = new Rng(o.seed);
  const gt: CocoGroundTruth = {
    images: [],
    annotations: [],
    categories: items.classNames.map((name, c) => ({ id: c + 1, name })),
  };
  const pixels: Uint8Array[] = [];
  const S = o.size;
  const drawItem = itemDrawer(items, o, rng);
  for (let i = 0; i < o.count; i++) {
    const imageId = i + 1;
    const canvas = new Uint8Array(S * S);
    if (o.noise > 0) for (let p = 0; p < canvas.length; p++) canvas[p] = Math.floor(rng.next() * (o.noise * 255 + 1));
    const objects = o.minObjects + rng.int(o.maxObjects - o.minObjects + 1);
    const placed: number[][] = [];
    for (let k = 0; k < objects; k++) {
      const item = drawItem();
      const scale = o.minScale + rng.next() * (o.maxScale - o.minScale);
      const aspect = 1 + (2 * rng.next() - 1) * o.aspectJitter;
      const h = clampSide(Math.round(itemH * scale * aspect), S);
      const w = clampSide(Math.round(itemW * scale / aspect), S);
      const resized = resizeBilinear(items.images.subarray(item * itemH * itemW, (item + 1) * itemH * itemW), itemH, itemW, h, w);
      const mask = maskBox(resized, h, w, o.maskThreshold);
      if (mask === null) continue;
      for (let t = 0; t < PLACEMENT_TRIES; t++) {
        const x0 = rng.int(S - w + 1);
        const y0 = rng.int(S - h + 1);
        const box = [x0 + mask.bbox[0], y0 + mask.bbox[1], mask.bbox[2], mask.bbox[3]];
        if (placed.some((b) => iou(b, box) > o.maxOverlap)) continue;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const at = (y0 + y) * S + x0 + x;
            const v = resized[y * w + x]!;
            if (v > canvas[at]!) canvas[at] = v;
          }
        }
        placed.push(box);
        const ann: CocoAnnotation = {
          id: gt.annotations.length + 1,
          image_id: imageId,
          category_id: Number(items.labels[item]) + 1,
          bbox: box,
          area: mask.area,
          iscrowd: 0,
        };
        gt.annotations.push(ann);
        break;
      }
    }
    gt.images.push({ id: imageId, file_name: `${String(imageId).padStart(6, '0')}.png`, width: S, height: S });
    pixels.push(canvas);
  }
  return { gt, pixels, size: S };
}

/** Draws an item index: uniformly from the allowed items, or a class by `classWeights` and then one of its items. */
function itemDrawer(items: SceneItems, o: Resolved, rng: Rng): () => number {
  const allowed = o.itemIndices;
  if (o.classWeights === null) return () => allowed[rng.int(allowed.length)]!;
  const byClass: number[][] = items.classNames.map(() => []);
  for (let i = 0; i < allowed.length; i++) byClass[Number(items.labels[allowed[i]!])]!.push(allowed[i]!);
  const weights = Array.from(o.classWeights);
  const empty = weights.findIndex((w, c) => w > 0 && byClass[c]!.length === 0);
  if (empty >= 0) {
    throw new InvalidArgumentError('generateScenes', `options.classWeights[${empty}]`, `0 for a class without items to paste (class '${items.classNames[empty]}' has none)`, describe(weights[empty]));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cumulative = weights.map((w) => (acc += w / total));
  let last = weights.length - 1;
  while (weights[last] === 0) last--;
  return () => {
    const u = rng.next();
    const c = cumulative.findIndex((edge, k) => u < edge && weights[k]! > 0);
    const pool = byClass[c < 0 ? last : c]!;
    return pool[rng.int(pool.length)]!;
  };
}

function clampSide(side: number, canvas: number): number {
  return Math.max(1, Math.min(canvas, side));
}

function iou(a: number[], b: number[]): number {
  const w = Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!);
  const h = Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a[2]! * a[3]! + b[2]! * b[3]! - inter);
}

type Resolved = Required<Omit<SceneOptions, 'itemIndices' | 'classWeights'>> & { itemIndices: ArrayLike<number>; classWeights: ArrayLike<number> | null };

function resolve(items: SceneItems, options: SceneOptions): Resolved {
  const fn = 'generateScenes';
  const shape = items?.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new InvalidArgumentError(fn, 'items.shape', '[N, height, width] of positive integers', describe(shape));
  }
  const [n, h, w] = shape as [number, number, number];
  if (!(items.images instanceof Uint8Array) || items.images.length !== n * h * w) {
    throw new InvalidArgumentError(fn, 'items.images', `a Uint8Array of ${n * h * w} pixels`, describe(items.images));
  }
  const numClasses = items.classNames?.length ?? 0;
  if (items.labels?.length !== n) throw new InvalidArgumentError(fn, 'items.labels', `${n} labels`, describe(items.labels));
  for (let i = 0; i < n; i++) {
    const label = items.labels[i]!;
    if (!Number.isInteger(label) || label < 0 || label >= numClasses) {
      throw new InvalidArgumentError(fn, `items.labels[${i}]`, `a class in [0, ${numClasses}) (one per items.classNames)`, describe(label));
    }
  }
  const r: Resolved = {
    count: options?.count,
    seed: options?.seed,
    size: options.size ?? 96,
    minObjects: options.minObjects ?? 1,
    maxObjects: options.maxObjects ?? 6,
    minScale: options.minScale ?? 0.6,
    maxScale: options.maxScale ?? 1.4,
    aspectJitter: options.aspectJitter ?? 0.15,
    maxOverlap: options.maxOverlap ?? 0.35,
    maskThreshold: options.maskThreshold ?? 25,
    noise: options.noise ?? 0,
    itemIndices: options.itemIndices ?? Int32Array.from({ length: n }, (_, i) => i),
    classWeights: options.classWeights ?? null,
  };
  const int = (k: keyof Resolved, min: number) => {
    if (!Number.isInteger(r[k]) || (r[k] as number) < min) throw new InvalidArgumentError(fn, `options.${k}`, `an integer ≥ ${min}`, describe(r[k]));
  };
  int('count', 0);
  int('size', 1);
  int('minObjects', 0);
  int('maxObjects', r.minObjects);
  if (!Number.isInteger(r.seed)) throw new InvalidArgumentError(fn, 'options.seed', 'an integer', describe(r.seed));
  if (!(r.minScale > 0 && r.maxScale >= r.minScale && Number.isFinite(r.maxScale))) {
    throw new InvalidArgumentError(fn, 'options.minScale/maxScale', '0 < minScale ≤ maxScale', `${r.minScale}, ${r.maxScale}`);
  }
  if (!(r.aspectJitter >= 0 && r.aspectJitter < 1)) throw new InvalidArgumentError(fn, 'options.aspectJitter', 'a number in [0, 1)', describe(r.aspectJitter));
  if (!(r.maxOverlap >= 0 && r.maxOverlap <= 1)) throw new InvalidArgumentError(fn, 'options.maxOverlap', 'a number in [0, 1]', describe(r.maxOverlap));
  if (!(r.maskThreshold >= 0 && r.maskThreshold < 255)) throw new InvalidArgumentError(fn, 'options.maskThreshold', 'a number in [0, 255)', describe(r.maskThreshold));
  if (!(r.noise >= 0 && r.noise <= 1)) throw new InvalidArgumentError(fn, 'options.noise', 'a number in [0, 1]', describe(r.noise));
  const idx = r.itemIndices;
  if (typeof idx?.length !== 'number' || idx.length === 0 || Array.from(idx).some((i) => !Number.isInteger(i) || i < 0 || i >= n)) {
    throw new InvalidArgumentError(fn, 'options.itemIndices', `a non-empty list of item indices in [0, ${n})`, describe(idx));
  }
  const cw = r.classWeights;
  if (cw !== null) {
    const list = typeof cw?.length === 'number' ? Array.from(cw) : null;
    if (list === null || list.length !== numClasses || list.some((w) => !(Number.isFinite(w) && w >= 0)) || !list.some((w) => w > 0)) {
      throw new InvalidArgumentError(fn, 'options.classWeights', `${numClasses} finite weights ≥ 0 (one per class), not all 0`, describe(cw));
    }
  }
  return r;
}
