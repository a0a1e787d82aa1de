import { InvalidArgumentError, defineMetric, describe, type Metric } from '@metricopt/core';
import { hostPredictions, type Labels, type Logits } from './predictions.js';

/**
 * The share of samples whose label is not among their `k` highest-scoring classes. A label tied
 * with the k-th score counts as inside (a sample is right when fewer than k classes score
 * strictly higher than its label), so the result does not depend on how ties are ordered. With
 * k ≥ the number of classes it is 0.
 *
 * ```ts
 * topKError(Float32Array.from([3, 2, 1, 0]), [2], 2);   // 1: classes 0 and 1 score higher than 2
 * ```
 */
export function topKError(logits: Logits, labels: Labels, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError('topKError', 'k', 'a positive integer', describe(k));
  const { scores, labels: y, n, classes } = hostPredictions('topKError', logits, labels);
  let wrong = 0;
  for (let i = 0; i < n; i++) {
    const row = i * classes;
    const own = scores[row + y[i]!]!;
    let higher = 0;
    for (let c = 0; c < classes && higher < k; c++) if (scores[row + c]! > own) higher++;
    if (higher >= k) wrong++;
  }
  return wrong / n;
}

/** `top5-error` (lower is better). */
export const top5ErrorMetric: Metric = defineMetric({
  name: 'top5-error',
  higherIsBetter: false,
  evaluate: (logits, labels) => topKError(logits, labels, 5),
});
