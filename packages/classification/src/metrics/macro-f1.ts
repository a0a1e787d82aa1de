import { defineMetric, type Metric } from '@metricopt/core';
import { classOutcomes, hostPredictions, type Labels, type Logits } from './predictions.js';

/**
 * The mean over classes of F1 = 2·TP / (2·TP + FP + FN), over the classes that occur in the
 * labels or in the (arg-max) predictions — scikit-learn's `f1_score(average='macro')`, where a
 * class predicted but never present, or present but never predicted, scores 0.
 *
 * ```ts
 * macroF1(Float32Array.from([1, 0, 1, 0, 0, 1]), [0, 1, 1]);   // (2/3 + 2/3) / 2
 * ```
 */
export function macroF1(logits: Logits, labels: Labels): number {
  const { truePositives, support, predicted } = classOutcomes(hostPredictions('macroF1', logits, labels));
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < support.length; c++) {
    if (support[c] === 0 && predicted[c] === 0) continue;
    // FP + FN = (predicted − TP) + (support − TP).
    sum += (2 * truePositives[c]!) / (support[c]! + predicted[c]!);
    classes++;
  }
  return sum / classes;
}

/** `macro-f1` (higher is better). */
export const macroF1Metric: Metric = defineMetric({ name: 'macro-f1', higherIsBetter: true, evaluate: macroF1 });
