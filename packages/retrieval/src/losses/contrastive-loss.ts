import * as tf from '@tensorflow/tfjs-core';
import type { LossFn } from '@metricopt/core';
import { checkDistance, checkLossInputs, checkPositive, labelMasks, pairwiseDistances, type LossDistance } from './pairwise.js';

export interface ContrastiveLossOptions {
  /** Negative pairs closer than this are pushed apart (default 0.5; distances are 1 − cos in [0, 2], or Euclidean). */
  margin?: number;
  /** 'cosine' (default) or 'euclidean'. */
  distance?: LossDistance;
}

/**
 * Contrastive loss (Hadsell et al. 2006): mean of d² over positive pairs (same label, i ≠ j) plus
 * mean of max(0, margin − d)² over negative pairs, each mean taken over its own pairs so the many
 * negatives do not drown the few positives; a kind of pair absent from the batch adds 0.
 *
 * ```ts
 * const loss = contrastiveLoss({ margin: 0.5 });
 * loss(tf.tensor2d([[1, 0], [1, 0], [0, 1]]), tf.tensor1d([0, 0, 1], 'int32')); // 0: positives coincide, the negative is 1 > 0.5 away
 * ```
 */
export function contrastiveLoss(options: ContrastiveLossOptions = {}): LossFn {
  const fn = 'contrastiveLoss';
  const margin = checkPositive(fn, 'margin', options.margin ?? 0.5);
  const distance = checkDistance(fn, options.distance ?? 'cosine');
  return (embeddings, labels) =>
    tf.tidy(() => {
      checkLossInputs(fn, embeddings, labels);
      const d = pairwiseDistances(embeddings as tf.Tensor2D, distance);
      const { positive, negative } = labelMasks(labels as tf.Tensor1D);
      const pulled = tf.div(tf.sum(tf.mul(positive, tf.square(d))), tf.maximum(tf.sum(positive), 1));
      const pushed = tf.div(tf.sum(tf.mul(negative, tf.square(tf.relu(tf.sub(margin, d))))), tf.maximum(tf.sum(negative), 1));
      return tf.add(pulled, pushed) as tf.Scalar;
    });
}
