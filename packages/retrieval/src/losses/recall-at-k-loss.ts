import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type LossFn } from '@metricopt/core';
import { checkLossInputs, checkPositive, cosineSimilarities, labelMasks } from './pairwise.js';
import { sigmoidRanks } from './rank-surrogate.js';

export interface RecallAtKLossOptions {
  /** The k averaged over (default [1, 2, 4, 8, 16], as in the paper). */
  k?: number[];
  /** Temperature of the sigmoid in the relaxed rank (default 0.01). */
  rankTemperature?: number;
  /** Temperature of the sigmoid that relaxes rank ≤ k (default 1). */
  recallTemperature?: number;
}

/**
 * The Recall@k surrogate (Patel et al. 2022): with the sigmoid-relaxed rank r(i, j) of sigmoidRanks,
 * recall@k_i = Σ_{j ∈ P_i} σ((k − r(i, j))/τ₂) / min(k, |P_i|), and the loss is 1 − its mean over
 * queries with a positive in the batch and over the k. Cosine similarity; 0 (with a zero gradient)
 * when no query has a positive.
 *
 * ```ts
 * const loss = recallAtKLoss({ k: [1, 2, 4] });
 * loss(embeddings, labels); // tf.Scalar
 * ```
 */
export function recallAtKLoss(options: RecallAtKLossOptions = {}): LossFn {
  const fn = 'recallAtKLoss';
  const ks = options.k ?? [1, 2, 4, 8, 16];
  if (!Array.isArray(ks) || ks.length === 0 || !ks.every((k) => Number.isInteger(k) && k > 0)) {
    throw new InvalidArgumentError(fn, 'k', 'a non-empty array of positive integers', JSON.stringify(ks));
  }
  const rankTemperature = checkPositive(fn, 'rankTemperature', options.rankTemperature ?? 0.01);
  const recallTemperature = checkPositive(fn, 'recallTemperature', options.recallTemperature ?? 1);
  return (embeddings, labels) =>
    tf.tidy(() => {
      checkLossInputs(fn, embeddings, labels);
      const { positive, notSelf } = labelMasks(labels as tf.Tensor1D);
      const rank = sigmoidRanks(cosineSimilarities(embeddings as tf.Tensor2D), positive, notSelf, rankTemperature).all;
      const positives = tf.sum(positive, 1);
      const valid = tf.cast(tf.greater(positives, 0), 'float32');
      const queries = tf.maximum(tf.sum(valid), 1);
      const losses = ks.map((k) => {
        const within = tf.sigmoid(tf.div(tf.sub(k, rank), recallTemperature));
        const recall = tf.div(tf.sum(tf.mul(positive, within), 1), tf.maximum(tf.minimum(positives, k), 1));
        return tf.div(tf.sum(tf.mul(valid, tf.sub(1, recall))), queries);
      });
      return tf.div(tf.addN(losses), ks.length) as tf.Scalar;
    });
}
