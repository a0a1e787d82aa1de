import { inverseFrequencyWeights, weightedCrossEntropy } from '@metricopt/core';
import type { BenchMethod } from '@metricopt/bench';

/** Every method the tabular task accepts; `weighted-ce` is the task's surrogate baseline (class-balanced cross-entropy). */
export const TABULAR_METHOD_NAMES = ['loss', 'metricopt', 'es', 'weighted-ce', 'weighted-ce+metricopt', 'loss+es'] as const;

export const TABULAR_DEFAULT_METHODS = ['loss', 'metricopt', 'es', 'weighted-ce'] as const;

/**
 * The method catalog for one seed: finetune modes, and for the weighted ones a cross-entropy
 * whose class weights are the inverse class frequencies of that seed's training labels.
 *
 * ```ts
 * tabularMethods(trainLabels)['weighted-ce'].mode;   // 'loss'
 * ```
 */
export function tabularMethods(trainLabels: ArrayLike<number>): Record<(typeof TABULAR_METHOD_NAMES)[number], BenchMethod> {
  const weighted = weightedCrossEntropy(inverseFrequencyWeights(trainLabels, 2));
  return {
    loss: { mode: 'loss' },
    metricopt: { mode: 'loss+value' },
    es: { mode: 'es' },
    'weighted-ce': { mode: 'loss', loss: weighted },
    'weighted-ce+metricopt': { mode: 'loss+value', loss: weighted },
    'loss+es': { mode: 'loss+es' },
  };
}
