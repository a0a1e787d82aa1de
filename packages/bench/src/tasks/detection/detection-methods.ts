import type { FinetuneMode } from '@metricopt/core';

/** The detection suite's methods: every one uses the CenterNet loss (where it uses a loss), φ₀, the budget and the rounds. */
export const DETECTION_METHODS: Readonly<Record<string, { mode: FinetuneMode }>> = Object.freeze({
  loss: { mode: 'loss' },
  metricopt: { mode: 'loss+value' },
  es: { mode: 'es' },
  'loss+es': { mode: 'loss+es' },
  value: { mode: 'value' },
});

export const DETECTION_DEFAULT_METHODS = ['loss', 'metricopt', 'es'] as const;
