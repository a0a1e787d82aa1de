import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '@metricopt/core';
import { checkLossInputs, checkPositive, cosineSimilarities, labelMasks } from './pairwise.js';
import { sigmoidRanks } from './rank-surrogate.js';

export interface SmoothApLossOptions {
  /** Sigmoid temperature of the relaxed rank (default 0.01, as in the paper). */
  temperature?: number;
}

/**
 * Smooth-AP (Brown et al. 2020): 1 − mean over queries of a smoothed average precision. Every item
 * queries the rest of the batch by cosine similarity; with the sigmoid-relaxed ranks of
 * sigmoidRanks, AP_i = (1/|P_i|) Σ_{j ∈ P_i} rank_P(i, j) / rank_all(i, j). Queries without a
 * positive in the batch are left out; 0 (with a zero gradient) when none has one.
 *
 * ```ts
 * const loss = smoothApLoss();          // temperature 0.01
 * loss(embeddings, labels);             // tf.Scalar in [0, 1)
 * ```
 */
export function smoothApLoss(options: SmoothApLossOptions = {}): LossFn {
  const fn = 'smoothApLoss';
  const temperature = checkPositive(fn, 'temperature', options.temperature ?? 0.01);
  return (embeddings, labels) =>
    tf.tidy(() => {
      checkLossInputs(fn, embeddings, labels);
      const { positive, notSelf } = labelMasks(labels as tf.Tensor1D);
      const ranks = sigmoidRanks(cosineSimilarities(embeddings as tf.Tensor2D), positive, notSelf, temperature);
      const positives = tf.sum(positive, 1);
      const valid = tf.cast(tf.greater(positives, 0), 'float32');
      const ap = tf.div(tf.sum(tf.mul(positive, tf.div(ranks.positives, ranks.all)), 1), tf.maximum(positives, 1));
      return tf.div(tf.sum(tf.mul(valid, tf.sub(1, ap))), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
    });
}
