import { InvalidArgumentError, describe } from '@metricopt/core';

/** One object of one image, for target encoding: a COCO box in input pixels and its class index (0-based). */
export interface TargetObject {
  /** [x, y, width, height] in input pixels. */
  bbox: ArrayLike<number>;
  classIndex: number;
}

export interface EncodeTargetsOptions {
  numClasses: number;
  /** Output grid [height, width]. */
  outputSize: [number, number];
  /** Input pixels per output cell. */
  stride: number;
  /** Overlap a box shifted within the Gaussian's radius keeps with the true one (CenterNet: 0.7). */
  minOverlap?: number;
}

/**
 * The radius (in cells) within which a corner may move while the box keeps `minOverlap` IoU with
 * the true one: the smallest root of CenterNet's three cases, as its reference code computes them.
 */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const m = minOverlap;
  const b1 = height + width;
  const c1 = (width * height * (1 - m)) / (1 + m);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - m) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * m;
  const b3 = -2 * m * (height + width);
  const c3 = (m - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/** Channels of one target cell: the class heatmaps, then w, h, offset x, offset y, and the centre mask. */
export function targetChannels(numClasses: number): number {
  return numClasses + 5;
}

/**
 * Dense CenterNet targets, float32 [N, H, W, numClasses + 5] row-major: per class a heatmap with a
 * Gaussian (σ = diameter / 6) around each object's centre cell, exactly 1 at the cell; at the
 * centre cell the box size (w, h) and the centre's offset within the cell, all in cells, and a
 * mask of 1. Where two centres share a cell, the later object's size and offset win.
 *
 * ```ts
 * const y = encodeCenterNetTargets([[{ bbox: [10, 20, 16, 8], classIndex: 2 }]], { numClasses: 3, outputSize: [24, 24], stride: 4 });
 * // centre (18, 24) px → cell (4, 6); y[(6 * 24 + 4) * 8 + 2] === 1; size channels 4 and 2
 * ```
 */
export function encodeCenterNetTargets(images: readonly (readonly TargetObject[])[], options: EncodeTargetsOptions): Float32Array {
  const fn = 'encodeCenterNetTargets';
  const { numClasses, stride } = options;
  const [H, W] = options.outputSize ?? [];
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new InvalidArgumentError(fn, 'options.numClasses', 'a positive integer', describe(numClasses));
  if (!Number.isInteger(H) || !Number.isInteger(W) || H! < 1 || W! < 1) {
    throw new InvalidArgumentError(fn, 'options.outputSize', '[height, width] of positive integers', describe(options.outputSize));
  }
  if (!(stride > 0)) throw new InvalidArgumentError(fn, 'options.stride', 'a positive number', describe(stride));
  if (!Array.isArray(images as unknown)) throw new InvalidArgumentError(fn, 'images', 'an array of object lists, one per image', describe(images));
  const minOverlap = options.minOverlap ?? 0.7;
  const C = targetChannels(numClasses);
  const h = H!;
  const w = W!;
  const out = new Float32Array(images.length * h * w * C);
  images.forEach((objects, n) => {
    const base = n * h * w * C;
    objects.forEach((o, k) => {
      const [bx, by, bw, bh] = Array.from(o.bbox ?? []);
      if (![bx, by, bw, bh].every((v) => typeof v === 'number' && Number.isFinite(v)) || bw! < 0 || bh! < 0) {
        throw new InvalidArgumentError(fn, `images[${n}][${k}].bbox`, '[x, y, width, height] with finite values, width and height ≥ 0', describe(o.bbox));
      }
      if (!Number.isInteger(o.classIndex) || o.classIndex < 0 || o.classIndex >= numClasses) {
        throw new InvalidArgumentError(fn, `images[${n}][${k}].classIndex`, `an integer in [0, ${numClasses})`, describe(o.classIndex));
      }
      const cw = bw! / stride;
      const ch = bh! / stride;
      const cx = (bx! + bw! / 2) / stride;
      const cy = (by! + bh! / 2) / stride;
      const ix = Math.min(w - 1, Math.max(0, Math.floor(cx)));
      const iy = Math.min(h - 1, Math.max(0, Math.floor(cy)));
      const radius = Math.max(0, Math.floor(gaussianRadius(Math.ceil(ch), Math.ceil(cw), minOverlap)));
      const sigma = (2 * radius + 1) / 6;
      for (let y = Math.max(0, iy - radius); y <= Math.min(h - 1, iy + radius); y++) {
        for (let x = Math.max(0, ix - radius); x <= Math.min(w - 1, ix + radius); x++) {
          const g = Math.exp(-((x - ix) ** 2 + (y - iy) ** 2) / (2 * sigma * sigma));
          const at = base + (y * w + x) * C + o.classIndex;
          if (g > out[at]!) out[at] = g;
        }
      }
      const cell = base + (iy * w + ix) * C + numClasses;
      out[cell] = cw;
      out[cell + 1] = ch;
      out[cell + 2] = cx - ix;
      out[cell + 3] = cy - iy;
      out[cell + 4] = 1;
    });
  });
  return out;
}
