import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from '@metricopt/core';

/** Probabilities are kept in [ε, 1 − ε] before the logs, as CenterNet's reference does. */
const EPS = 1e-4;

export interface FocalLossOptions {
  /** Focusing exponent on the predicted probability (default 2). */
  alpha?: number;
  /** Penalty reduction near centres: negatives weigh (1 − target)^beta (default 4). */
  beta?: number;
  /**
   * One weight per class multiplying that class's share (a class-balanced focal loss, e.g. inverse object frequency for
   * long-tailed data; default: all 1).
   */
  classWeights?: readonly number[];
}

/**
 * CenterNet's penalty-reduced pixel-wise focal loss, summed over every cell and class and divided by
 * the number of centres (cells where the target is exactly 1; at least 1):
 * `−Σ_pos (1−p)^α log p − Σ_neg (1−y)^β p^α log(1−p)`, with `p = sigmoid(logits)`.
 *
 * ```ts
 * const loss = centerNetFocalLoss(logits, heatmap);   // scalar
 * ```
 */
export function centerNetFocalLoss(logits: tf.Tensor, heatmap: tf.Tensor, options: FocalLossOptions = {}): tf.Scalar {
  return tf.tidy(() => tf.sum(centerNetFocalLossPerClass(logits, heatmap, options)) as tf.Scalar);
}

/**
 * The focal loss's share of every class (the last axis), each divided by the number of centres of all
 * classes, so the shares sum to `centerNetFocalLoss`: a detector's loss split by class, e.g. for
 * `finetune`'s `lossParts`.
 *
 * ```ts
 * const perClass = centerNetFocalLossPerClass(logits, heatmap);   // [C]
 * ```
 */
export function centerNetFocalLossPerClass(logits: tf.Tensor, heatmap: tf.Tensor, options: FocalLossOptions = {}): tf.Tensor1D {
  const alpha = options.alpha ?? 2;
  const beta = options.beta ?? 4;
  const weights = options.classWeights;
  const C = logits.shape[logits.rank - 1]!;
  if (weights !== undefined && (!Array.isArray(weights) || weights.length !== C || weights.some((w) => !(Number.isFinite(w) && w >= 0)))) {
    throw new InvalidArgumentError('centerNetFocalLoss', 'options.classWeights', `${C} finite weights ≥ 0 (one per class)`, describe(weights));
  }
  return tf.tidy(() => {
    const p = tf.clipByValue(tf.sigmoid(logits), EPS, 1 - EPS);
    const pos = tf.cast(tf.equal(heatmap, 1), 'float32');
    const neg = tf.sub(1, pos);
    const posLoss = tf.mul(tf.mul(tf.pow(tf.sub(1, p), alpha), tf.log(p)), pos);
    const negWeight = tf.mul(tf.pow(tf.sub(1, heatmap), beta), tf.pow(p, alpha));
    const negLoss = tf.mul(tf.mul(negWeight, tf.log(tf.sub(1, p))), neg);
    const count = tf.maximum(tf.sum(pos), 1);
    const cells = tf.reshape(tf.add(posLoss, negLoss), [-1, C]);
    const shares = tf.div(tf.neg(tf.sum(cells, 0)), count) as tf.Tensor1D;
    return weights === undefined ? shares : (tf.mul(shares, tf.tensor1d(weights)) as tf.Tensor1D);
  });
}
