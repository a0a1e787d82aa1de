import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, defineMetric, describe, type Metric } from '@metricopt/core';
import { averagePrecision } from '@metricopt/classification';

/** Host copies of two-class logits [N, 2] and labels [N], checked; `margin[i]` = logit₁ − logit₀ (the positive score). */
function hostBinary(fn: string, logits: tf.Tensor, labels: tf.Tensor): { margin: Float64Array; y: Int32Array } {
  if (logits.rank !== 2 || logits.shape[1] !== 2) throw new InvalidArgumentError(fn, 'logits', 'two-class logits [N, 2]', describe(logits));
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) throw new InvalidArgumentError(fn, 'labels', `labels [${logits.shape[0]}]`, describe(labels));
  const l = logits.dataSync();
  const raw = labels.dataSync();
  const n = raw.length;
  const margin = new Float64Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    margin[i] = l[2 * i + 1]! - l[2 * i]!;
    if (raw[i] !== 0 && raw[i] !== 1) throw new InvalidArgumentError(fn, 'labels', 'labels 0 or 1', `${raw[i]} at index ${i}`);
    y[i] = raw[i]!;
  }
  return { margin, y };
}

/**
 * Average precision of the positive class (AUCPR), ranking rows by the softmax probability of
 * class 1 (the same order as logit₁ − logit₀); classification's averagePrecision, so ties are
 * scored as scikit-learn scores them. Higher is better.
 *
 * ```ts
 * positiveAveragePrecision(tf.tensor2d([[0, 0.1], [0, 0.4], [0, 0.35], [0, 0.8]]), tf.tensor1d([0, 0, 1, 1], 'int32'));   // 0.8333…
 * ```
 */
export function positiveAveragePrecision(logits: tf.Tensor, labels: tf.Tensor): number {
  const { margin, y } = hostBinary('positiveAveragePrecision', logits, labels);
  return averagePrecision(margin, y);
}

/**
 * F1 of the positive class at the arg-max decision (logit₁ > logit₀): 2·TP / (2·TP + FP + FN);
 * 0 when there are no positives and none predicted. Higher is better.
 *
 * ```ts
 * positiveF1(tf.tensor2d([[0, 1], [0, -1], [0, 1]]), tf.tensor1d([1, 1, 0], 'int32'));   // 2·1 / (2 + 1 + 1) = 0.5
 * ```
 */
export function positiveF1(logits: tf.Tensor, labels: tf.Tensor): number {
  const { margin, y } = hostBinary('positiveF1', logits, labels);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    const predicted = margin[i]! > 0;
    if (predicted && y[i] === 1) tp++;
    else if (predicted) fp++;
    else if (y[i] === 1) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

export const aucprMetric: Metric = defineMetric({ name: 'aucpr', higherIsBetter: true, evaluate: positiveAveragePrecision });
export const f1Metric: Metric = defineMetric({ name: 'f1', higherIsBetter: true, evaluate: positiveF1 });

/** The task's metrics by CLI name; the first is the default. */
export const TABULAR_METRICS: Readonly<Record<string, Metric>> = Object.freeze({ aucpr: aucprMetric, f1: f1Metric });
