import type { FinetuneMode } from '@metricopt/core';

/** A method of the classification suite: the finetune mode and whether its loss is class-weighted CE. */
export interface ClassificationMethod {
  mode: FinetuneMode;
  weighted: boolean;
}

/** Every method shares φ₀, the optimizer kind, the seed, the steps and the observation rounds. */
export const CLASSIFICATION_METHODS: Readonly<Record<string, ClassificationMethod>> = Object.freeze({
  loss: { mode: 'loss', weighted: false },
  metricopt: { mode: 'loss+value', weighted: false },
  es: { mode: 'es', weighted: false },
  'loss+es': { mode: 'loss+es', weighted: false },
  value: { mode: 'value', weighted: false },
  'weighted-ce': { mode: 'loss', weighted: true },
  'weighted-ce+metricopt': { mode: 'loss+value', weighted: true },
});

export const CLASSIFICATION_DEFAULT_METHODS = ['loss', 'metricopt', 'es', 'weighted-ce', 'weighted-ce+metricopt'] as const;
