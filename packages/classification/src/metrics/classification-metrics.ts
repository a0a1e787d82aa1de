import { InvalidArgumentError, describe, type Metric } from '@metricopt/core';
import { aucprMetric } from './average-precision.js';
import { balancedErrorMetric, worstClassErrorMetric, worstClassRecallMetric } from './class-recall.js';
import { errorRateMetric } from './error-rate.js';
import { macroF1Metric } from './macro-f1.js';
import { top5ErrorMetric } from './top-k-error.js';

/** Every classification metric by its CLI name. */
export const CLASSIFICATION_METRICS: Readonly<Record<string, Metric>> = Object.freeze({
  'error-rate': errorRateMetric,
  'top5-error': top5ErrorMetric,
  'balanced-error': balancedErrorMetric,
  'worst-class-recall': worstClassRecallMetric,
  'worst-class-error': worstClassErrorMetric,
  'macro-f1': macroF1Metric,
  aucpr: aucprMetric,
});

/**
 * The metric registered under `name`; an unknown name is an InvalidArgumentError listing the known ones.
 *
 * ```ts
 * classificationMetric('balanced-error').higherIsBetter;   // false
 * ```
 */
export function classificationMetric(name: string): Metric {
  const metric = Object.hasOwn(CLASSIFICATION_METRICS, name) ? CLASSIFICATION_METRICS[name] : undefined;
  if (metric === undefined) {
    throw new InvalidArgumentError('classificationMetric', 'name', `one of ${Object.keys(CLASSIFICATION_METRICS).join(', ')}`, describe(name));
  }
  return metric;
}
