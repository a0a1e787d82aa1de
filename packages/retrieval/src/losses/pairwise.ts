import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '@metricopt/core';

/** What a pairwise loss measures between embeddings: 1 − cosine similarity (default) or Euclidean distance. */
export type LossDistance = 'cosine' | 'euclidean';

// Keeps sqrt away from 0, where its gradient is infinite (zero vectors, identical rows).
const EPSILON = 1e-12;

/** Checks a loss's inputs: embeddings [N, D] and labels [N]. */
export function checkLossInputs(fn: string, embeddings: tf.Tensor, labels: tf.Tensor): void {
  if (embeddings.rank !== 2) throw new InvalidArgumentError(fn, 'embeddings', 'a rank-2 tensor [N, D]', describe(embeddings));
  if (labels.rank !== 1 || labels.shape[0] !== embeddings.shape[0]) {
    throw new InvalidArgumentError(fn, 'labels', `a rank-1 tensor of ${embeddings.shape[0]} labels`, describe(labels));
  }
}

/** Rows divided by their L2 norm (a zero row stays zero, with a finite gradient). */
export function l2Normalise(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(embeddings, tf.sqrt(tf.maximum(tf.sum(tf.square(embeddings), 1, true), EPSILON))));
}

/** Cosine similarity of every pair of rows, [N, N]. */
export function cosineSimilarities(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const unit = l2Normalise(embeddings);
    return tf.matMul(unit, unit, false, true);
  });
}

/** Distance of every pair of rows, [N, N]: 1 − cosine similarity, or Euclidean (‖a‖² + ‖b‖² − 2a·b, clamped at 0). */
export function pairwiseDistances(embeddings: tf.Tensor2D, distance: LossDistance): tf.Tensor2D {
  return tf.tidy(() => {
    if (distance === 'cosine') return tf.sub(1, cosineSimilarities(embeddings)) as tf.Tensor2D;
    const squaredNorms = tf.sum(tf.square(embeddings), 1, true);
    const squared = tf.add(tf.sub(squaredNorms, tf.mul(2, tf.matMul(embeddings, embeddings, false, true))), tf.transpose(squaredNorms));
    return tf.sqrt(tf.maximum(squared, EPSILON)) as tf.Tensor2D;
  });
}

/** Float masks [N, N]: positive = same label and not the same item, negative = different label. */
export function labelMasks(labels: tf.Tensor1D): { positive: tf.Tensor2D; negative: tf.Tensor2D; notSelf: tf.Tensor2D } {
  return tf.tidy(() => {
    const n = labels.shape[0];
    const column = tf.reshape(labels, [n, 1]);
    const same = tf.cast(tf.equal(column, tf.transpose(column)), 'float32') as tf.Tensor2D;
    const notSelf = tf.sub(1, tf.eye(n)) as tf.Tensor2D;
    return { positive: tf.mul(same, notSelf), negative: tf.sub(1, same), notSelf };
  });
}

export function checkDistance(fn: string, distance: unknown): LossDistance {
  if (distance !== 'cosine' && distance !== 'euclidean') {
    throw new InvalidArgumentError(fn, 'distance', 'one of cosine, euclidean', describe(distance));
  }
  return distance;
}

export function checkPositive(fn: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(fn, argument, 'a positive finite number', describe(value));
  }
  return value;
}
