import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, describe, type LossFn } from '@metricopt/core';
import { centerNetFocalLoss, centerNetFocalLossPerClass, type FocalLossOptions } from './focal-loss.js';
import { targetChannels } from './encode-targets.js';

export interface CenterNetLossOptions extends FocalLossOptions {
  numClasses: number;
  /** Weight of the L1 size loss (CenterNet: 0.1; sizes are in cells). */
  sizeWeight?: number;
  /** Weight of the L1 offset loss (CenterNet: 1). */
  offsetWeight?: number;
}

/** The parts of the CenterNet loss on one batch. */
export interface CenterNetLossParts {
  focal: tf.Scalar;
  size: tf.Scalar;
  offset: tf.Scalar;
  total: tf.Scalar;
}

/**
 * The CenterNet loss parts for outputs [N, H, W, C + 4] and dense targets [N, H, W, C + 5] (see
 * encodeCenterNetTargets): focal loss on the heatmaps, plus the mean absolute error of size and
 * offset over the centre cells (per coordinate), weighted.
 */
export function centerNetLossParts(outputs: tf.Tensor, targets: tf.Tensor, options: CenterNetLossOptions): CenterNetLossParts {
  const fn = 'centerNetLoss';
  const C = options.numClasses;
  if (outputs.rank !== 4 || outputs.shape[3] !== C + 4) {
    throw new InvalidArgumentError(fn, 'outputs', `a rank-4 tensor with ${C + 4} channels`, describe(outputs));
  }
  if (targets.rank !== 4 || targets.shape[3] !== targetChannels(C) || targets.shape.slice(0, 3).join() !== outputs.shape.slice(0, 3).join()) {
    throw new InvalidArgumentError(fn, 'targets', `a tensor [${outputs.shape.slice(0, 3).join(', ')}, ${targetChannels(C)}]`, describe(targets));
  }
  const sizeWeight = options.sizeWeight ?? 0.1;
  const offsetWeight = options.offsetWeight ?? 1;
  return tf.tidy(() => {
    const [logits, size, offset] = tf.split(outputs, [C, 2, 2], 3) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const [heatmap, sizeT, offsetT, mask] = tf.split(targets, [C, 2, 2, 1], 3) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
    const focal = centerNetFocalLoss(logits, heatmap, options);
    const denominator = tf.add(tf.mul(tf.sum(mask), 2), 1e-4);
    const l1 = (pred: tf.Tensor, target: tf.Tensor) => tf.div(tf.sum(tf.mul(tf.abs(tf.sub(pred, target)), mask)), denominator) as tf.Scalar;
    const sizeLoss = l1(size, sizeT);
    const offsetLoss = l1(offset, offsetT);
    const total = tf.addN([focal, tf.mul(sizeLoss, sizeWeight), tf.mul(offsetLoss, offsetWeight)]) as tf.Scalar;
    return { focal, size: sizeLoss, offset: offsetLoss, total };
  });
}

/**
 * The CenterNet training loss as a core LossFn (outputs, targets) → scalar, for `finetune` and
 * pretraining.
 *
 * ```ts
 * const loss = centerNetLoss({ numClasses: 10 });
 * const value = loss(model.predict(images) as tf.Tensor, targets);
 * ```
 */
export function centerNetLoss(options: CenterNetLossOptions): LossFn {
  if (!Number.isInteger(options?.numClasses) || options.numClasses < 1) {
    throw new InvalidArgumentError('centerNetLoss', 'options.numClasses', 'a positive integer', describe(options?.numClasses));
  }
  return (outputs, targets) =>
    tf.tidy(() => {
      const parts = centerNetLossParts(outputs, targets, options);
      return parts.total;
    });
}

/**
 * The CenterNet loss as a list of terms that sum to it, for `finetune`'s `lossParts` (MetricOpt with
 * the loss as V's prior, one fitted weight per term): `per-class` (default) gives C focal terms (one
 * per class's heatmap) then the weighted size and offset terms; `parts` gives focal, size, offset.
 *
 * ```ts
 * const terms = centerNetLossTerms({ numClasses: 10 });
 * terms(outputs, targets).length;   // 12
 * ```
 */
export function centerNetLossTerms(
  options: CenterNetLossOptions & { split?: 'per-class' | 'parts' },
): (outputs: tf.Tensor, targets: tf.Tensor) => tf.Scalar[] {
  if (!Number.isInteger(options?.numClasses) || options.numClasses < 1) {
    throw new InvalidArgumentError('centerNetLossTerms', 'options.numClasses', 'a positive integer', describe(options?.numClasses));
  }
  const split = options.split ?? 'per-class';
  if (split !== 'per-class' && split !== 'parts') {
    throw new InvalidArgumentError('centerNetLossTerms', 'options.split', "'per-class' or 'parts'", describe(split));
  }
  return (outputs, targets) =>
    tf.tidy(() => {
      const parts = centerNetLossParts(outputs, targets, options);
      const size = tf.mul(parts.size, options.sizeWeight ?? 0.1) as tf.Scalar;
      const offset = tf.mul(parts.offset, options.offsetWeight ?? 1) as tf.Scalar;
      if (split === 'parts') return [parts.focal, size, offset];
      const C = options.numClasses;
      const logits = tf.slice(outputs, [0, 0, 0, 0], [-1, -1, -1, C]);
      const heatmap = tf.slice(targets, [0, 0, 0, 0], [-1, -1, -1, C]);
      const perClass = tf.unstack(centerNetFocalLossPerClass(logits, heatmap, options)) as tf.Scalar[];
      return [...perClass, size, offset];
    });
}
