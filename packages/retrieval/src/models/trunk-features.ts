import { InvalidArgumentError, describe } from '@metricopt/core';
import type { LabelledImages } from '@metricopt/data';

/** Per-channel mean and standard deviation of images in [0, 1], how inputs are normalised. */
export type InputNormalization = { mean: number[]; std: number[] };

/**
 * The per-channel mean and standard deviation (of pixel values scaled to [0, 1] as toSplit does)
 * over the given rows: computed on the training rows and applied to every split.
 *
 * ```ts
 * inputNormalization(glyphs, splits.train);   // { mean: [0.12], std: [0.31] }
 * ```
 */
export function inputNormalization(set: LabelledImages, indices: ArrayLike<number>): InputNormalization {
  const fn = 'inputNormalization';
  const shape = set.shape;
  const channels = shape.length === 4 ? shape[3]! : 1;
  const row = shape.slice(1).reduce((a, b) => a * b, 1);
  if (indices.length === 0) throw new InvalidArgumentError(fn, 'indices', 'at least one row', describe(indices));
  const scale = set.images instanceof Uint8Array ? 1 / 255 : 1;
  const sum = new Float64Array(channels);
  const sq = new Float64Array(channels);
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k]! * row;
    for (let p = 0; p < row; p++) {
      const v = set.images[base + p]! * scale;
      const c = p % channels;
      sum[c] = sum[c]! + v;
      sq[c] = sq[c]! + v * v;
    }
  }
  const count = (indices.length * row) / channels;
  const mean = Array.from(sum, (s) => s / count);
  const std = Array.from(sq, (s, c) => Math.max(Math.sqrt(Math.max(s / count - mean[c]! ** 2, 0)), 1e-3));
  return { mean, std };
}

/** The frozen trunk's outputs over host images, cached once (data's `imageFeatures`, under retrieval's name). */
export { imageFeatures as trunkFeatures } from '@metricopt/data';
