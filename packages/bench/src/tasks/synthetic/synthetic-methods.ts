import type { FinetuneMode, FinetuneOptions } from '@metricopt/core';

/** A method of the synthetic suite: the finetune mode, whether its loss is class-weighted CE, and its own finetune options. */
export interface SyntheticMethod {
  mode: FinetuneMode;
  weighted: boolean;
  options?: Readonly<Partial<FinetuneOptions>>;
}

/**
 * MetricOpt with the loss as V's prior mean, one weight per class's loss (packages/bench/experiments/synthetic-sweep.md):
 * V = s·(−L) + Σ_c d_c·(−L_c) + GP residual, the d_c ridge-shrunk towards the loss as given, the residual at λ 0.3.
 */
export const METRICOPT_GROUPS_OPTIONS: Readonly<Partial<FinetuneOptions>> = Object.freeze({
  mixing: 'loss-prior',
  lossGroups: 'label',
  groupRidge: 1,
  lambda: 0.3,
  gp: { reselectEvery: 5 },
});

/** Every method shares φ₀, the optimizer kind, the seed, the steps and the observation rounds. */
export const SYNTHETIC_METHODS: Readonly<Record<string, SyntheticMethod>> = Object.freeze({
  loss: { mode: 'loss', weighted: false },
  metricopt: { mode: 'loss+value', weighted: false },
  es: { mode: 'es', weighted: false },
  'loss+es': { mode: 'loss+es', weighted: false },
  value: { mode: 'value', weighted: false },
  'weighted-ce': { mode: 'loss', weighted: true },
  'weighted-ce+metricopt': { mode: 'loss+value', weighted: true },
  'metricopt-groups': { mode: 'loss+value', weighted: false, options: METRICOPT_GROUPS_OPTIONS },
  'weighted-ce+metricopt-groups': { mode: 'loss+value', weighted: true, options: METRICOPT_GROUPS_OPTIONS },
});

export const SYNTHETIC_DEFAULT_METHODS = [
  'loss', 'metricopt', 'metricopt-groups', 'es', 'loss+es', 'weighted-ce', 'weighted-ce+metricopt', 'weighted-ce+metricopt-groups',
] as const;
