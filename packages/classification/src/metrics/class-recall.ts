import { defineMetric, type Metric } from '@metricopt/core';
import { classOutcomes, hostPredictions, type Labels, type Logits } from './predictions.js';

/**
 * Recall of every class: the share of its samples predicted as it (arg-max). A class absent
 * from the labels has no recall: NaN.
 *
 * ```ts
 * perClassRecall(Float32Array.from([1, 0, 1, 0, 0, 1]), [0, 1, 1]);   // [1, 0.5]
 * ```
 */
export function perClassRecall(logits: Logits, labels: Labels): number[] {
  return recalls('perClassRecall', logits, labels);
}

function recalls(fn: string, logits: Logits, labels: Labels): number[] {
  const { truePositives, support } = classOutcomes(hostPredictions(fn, logits, labels));
  return Array.from(support, (s, c) => (s > 0 ? truePositives[c]! / s : Number.NaN));
}

function present(values: number[]): number[] {
  return values.filter((v) => !Number.isNaN(v));
}

/**
 * 1 − the mean recall over the classes present in the labels (balanced error rate). On balanced
 * labels it equals the error rate; on long-tailed ones every class weighs the same.
 *
 * ```ts
 * balancedError(Float32Array.from([1, 0, 1, 0, 0, 1]), [0, 1, 1]);   // 0.25
 * ```
 */
export function balancedError(logits: Logits, labels: Labels): number {
  const r = present(recalls('balancedError', logits, labels));
  return 1 - r.reduce((a, b) => a + b, 0) / r.length;
}

/** The smallest recall over the classes present in the labels (higher is better). */
export function worstClassRecall(logits: Logits, labels: Labels): number {
  return Math.min(...present(recalls('worstClassRecall', logits, labels)));
}

/** 1 − worstClassRecall: the worst class's error (lower is better). */
export function worstClassError(logits: Logits, labels: Labels): number {
  return 1 - Math.min(...present(recalls('worstClassError', logits, labels)));
}

/** `balanced-error` (lower is better). */
export const balancedErrorMetric: Metric = defineMetric({ name: 'balanced-error', higherIsBetter: false, evaluate: balancedError });

/** `worst-class-recall` (higher is better). */
export const worstClassRecallMetric: Metric = defineMetric({ name: 'worst-class-recall', higherIsBetter: true, evaluate: worstClassRecall });

/** `worst-class-error` = 1 − worst-class recall (lower is better): the same ordering as `worst-class-recall`. */
export const worstClassErrorMetric: Metric = defineMetric({ name: 'worst-class-error', higherIsBetter: false, evaluate: worstClassError });
