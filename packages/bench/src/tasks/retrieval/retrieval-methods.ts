import type { FinetuneMode } from '@metricopt/core';

/** The loss a retrieval method finetunes with: the pretraining loss, Smooth-AP, or the Recall@k surrogate. */
export type RetrievalLossKind = 'pretrain' | 'smooth-ap' | 'recall-k';

export interface RetrievalMethod {
  mode: FinetuneMode;
  loss: RetrievalLossKind;
}

/** Every method starts from the same φ₀ with the same optimizer, seed, steps, batches and observation rounds. */
export const RETRIEVAL_METHODS: Readonly<Record<string, RetrievalMethod>> = Object.freeze({
  loss: { mode: 'loss', loss: 'pretrain' },
  metricopt: { mode: 'loss+value', loss: 'pretrain' },
  es: { mode: 'es', loss: 'pretrain' },
  'loss+es': { mode: 'loss+es', loss: 'pretrain' },
  'smooth-ap': { mode: 'loss', loss: 'smooth-ap' },
  'recall-k-surrogate': { mode: 'loss', loss: 'recall-k' },
  'smooth-ap+metricopt': { mode: 'loss+value', loss: 'smooth-ap' },
});

export const RETRIEVAL_DEFAULT_METHODS = ['loss', 'metricopt', 'es', 'smooth-ap', 'recall-k-surrogate', 'smooth-ap+metricopt'] as const;
