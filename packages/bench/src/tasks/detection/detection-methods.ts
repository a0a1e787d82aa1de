import type { FinetuneMode, FinetuneOptions } from '@metricopt/core';

/** A method of the detection suite: its finetune mode, its own finetune options, and which loss terms V weighs. */
export interface DetectionMethod {
  mode: FinetuneMode;
  options?: Readonly<Partial<FinetuneOptions>>;
  /** With `mixing: 'loss-prior'`: V's prior is the CenterNet loss split into these terms, each with a fitted weight. */
  terms?: 'per-class' | 'parts';
  /** The class-balanced focal loss: each class's heatmap term weighted by its inverse object frequency in training. */
  weighted?: boolean;
}

/**
 * MetricOpt with the loss as V's prior mean, one weight per loss term (the synthetic suite's `metricopt-groups`, split by
 * term instead of by rows): V = s·(−L) + Σ_t d_t·(−L_t) + GP residual, the d_t ridge-shrunk towards the loss as given.
 */
const LOSS_PRIOR: Readonly<Partial<FinetuneOptions>> = Object.freeze({ mixing: 'loss-prior', groupRidge: 1, lambda: 0.3, gp: { reselectEvery: 5 } });

/** The detection suite's methods: every one uses the CenterNet loss (where it uses a loss), φ₀, the budget and the rounds. */
export const DETECTION_METHODS: Readonly<Record<string, DetectionMethod>> = Object.freeze({
  loss: { mode: 'loss' },
  metricopt: { mode: 'loss+value' },
  'metricopt-terms': { mode: 'loss+value', options: LOSS_PRIOR, terms: 'per-class' },
  'metricopt-parts': { mode: 'loss+value', options: LOSS_PRIOR, terms: 'parts' },
  'metricopt-prior': { mode: 'loss+value', options: LOSS_PRIOR },
  'weighted-focal': { mode: 'loss', weighted: true },
  'weighted-focal+metricopt': { mode: 'loss+value', weighted: true },
  es: { mode: 'es' },
  'loss+es': { mode: 'loss+es' },
  value: { mode: 'value' },
});

export const DETECTION_DEFAULT_METHODS = ['loss', 'metricopt', 'es'] as const;
