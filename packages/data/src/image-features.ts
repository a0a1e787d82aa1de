import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cacheFeatures, type Split } from '@metricopt/core';
import { batches } from './batches.js';
import type { LabelledImages, TensorOptions } from './labelled-images.js';

export interface ImageFeatureOptions {
  /** The rows (default: all), in this order. */
  indices?: ArrayLike<number>;
  /** How images become inputs (as at pretraining). */
  normalize?: TensorOptions['normalize'];
  /** Images per trunk call (default 512): bounds the memory of intermediate activations. */
  batchSize?: number;
}

/**
 * Runs a frozen trunk over host images once, in order, and keeps its outputs with the labels:
 * `{ x: features [n, ...], y: int32 [n] }`, the cached features every finetuning step and metric
 * call reuses (METHOD.md §1). The caller disposes both.
 *
 * ```ts
 * const { trunk, head } = cutModel(model, 'block3_film');             // from @metricopt/core
 * const test = await imageFeatures(trunk, fashion.test, { normalize });   // x [10000, 64]
 * ```
 */
export async function imageFeatures(trunk: tfl.LayersModel, set: LabelledImages, options: ImageFeatureOptions = {}): Promise<Split> {
  const batchSize = options.batchSize ?? 512;
  const source = batches(set, {
    batchSize,
    ...(options.indices === undefined ? {} : { indices: options.indices }),
    ...(options.normalize === undefined ? {} : { normalize: options.normalize }),
  });
  const { features, y } = await cacheFeatures((x) => trunk.predict(x) as tf.Tensor, source, { batchSize });
  return { x: features, y };
}
