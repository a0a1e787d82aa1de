import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe } from './errors.js';
import type { LossFn } from './finetune-options.js';

/** Targets as one-hot float32: integer labels [N] are expanded, one-hot [N, C] passes through. */
function oneHotTargets(fn: string, outputs: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  const classes = outputs.shape[outputs.rank - 1]!;
  if (targets.rank === 1) return tf.oneHot(tf.cast(targets, 'int32'), classes);
  if (targets.rank === 2 && targets.shape[1] === classes) return tf.cast(targets, 'float32');
  throw new InvalidArgumentError(fn, 'targets', `integer labels [N] or one-hot [N, ${classes}]`, describe(targets));
}

/** Mean softmax cross-entropy of logits [N, C] against integer labels [N] or one-hot targets. */
export const softmaxCrossEntropy: LossFn = (outputs, targets) =>
  tf.tidy(() => {
    if (outputs.rank !== 2) {
      throw new InvalidArgumentError('softmaxCrossEntropy', 'outputs', 'logits of rank 2 [N, C]', describe(outputs));
    }
    const y = oneHotTargets('softmaxCrossEntropy', outputs, targets);
    return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(outputs)), -1))) as tf.Scalar;
  });

/**
 * Class-weighted softmax cross-entropy, Σ w_y·CE / Σ w_y over the batch (PyTorch's convention).
 * `classWeights[c]` is usually N / (C·n_c), the inverse class frequency.
 */
export function weightedCrossEntropy(classWeights: ArrayLike<number>): LossFn {
  const w = Array.from(classWeights);
  if (w.length === 0 || !w.every((v) => Number.isFinite(v) && v >= 0)) {
    throw new InvalidArgumentError('weightedCrossEntropy', 'classWeights', 'a non-empty list of finite non-negative numbers', describe(classWeights));
  }
  return (outputs, targets) =>
    tf.tidy(() => {
      if (outputs.rank !== 2 || outputs.shape[1] !== w.length) {
        throw new InvalidArgumentError('weightedCrossEntropy', 'outputs', `logits [N, ${w.length}]`, describe(outputs));
      }
      const y = oneHotTargets('weightedCrossEntropy', outputs, targets);
      const perSample = tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(outputs)), -1));
      const sampleWeights = tf.sum(tf.mul(y, tf.tensor1d(w)), -1);
      return tf.div(tf.sum(tf.mul(perSample, sampleWeights)), tf.maximum(tf.sum(sampleWeights), 1e-12)) as tf.Scalar;
    });
}

/** Inverse-frequency class weights N / (C·n_c) from integer labels; absent classes get 0. */
export function inverseFrequencyWeights(labels: ArrayLike<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new InvalidArgumentError('inverseFrequencyWeights', 'labels', `integers in [0, ${classes})`, `${c} at index ${i}`);
    }
    counts[c]!++;
  }
  return counts.map((n) => (n > 0 ? labels.length / (classes * n) : 0));
}
