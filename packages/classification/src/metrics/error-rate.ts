import { defineMetric, type Metric } from '@metricopt/core';
import { argmaxRows, hostPredictions, type Labels, type Logits } from './predictions.js';

/**
 * The share of samples whose arg-max class is not their label (ties go to the lower class index).
 *
 * ```ts
 * errorRate(Float32Array.from([2, 1, 0, 3]), [0, 0]);   // 0.5: the second row predicts class 1
 * ```
 */
export function errorRate(logits: Logits, labels: Labels): number {
  const p = hostPredictions('errorRate', logits, labels);
  const pred = argmaxRows(p);
  let wrong = 0;
  for (let i = 0; i < p.n; i++) if (pred[i] !== p.labels[i]) wrong++;
  return wrong / p.n;
}

/** `error-rate` (lower is better). */
export const errorRateMetric: Metric = defineMetric({ name: 'error-rate', higherIsBetter: false, evaluate: errorRate });
