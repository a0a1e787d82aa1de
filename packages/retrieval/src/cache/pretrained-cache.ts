import * as tf from '@tensorflow/tfjs-core';
import { loadOrPretrain, type LoadOrPretrainOptions, type PretrainedEntry } from '@metricopt/core';
import { L2Normalize } from '../models/l2-normalize.js';

/** A pretrained embedding model, as core's `loadOrPretrain` returns it. */
export type PretrainedEmbedding<Info> = PretrainedEntry<Info>;

/** Core's options, the namespace fixed to `pretrained-embeddings` (default $METRICOPT_CACHE/pretrained-embeddings). */
export type LoadOrPretrainEmbeddingOptions<Info> = Omit<LoadOrPretrainOptions<Info>, 'namespace' | 'beforeLoad'>;

/**
 * Core's `loadOrPretrain` in the `pretrained-embeddings` namespace, with the `L2Normalize` layer
 * registered before a cached model is loaded.
 *
 * ```ts
 * const { model, cached } = await loadOrPretrainEmbedding({ config: { dataset: 'glyphs', seed: 1, steps: 600 },
 *   build: () => buildEmbeddingModel({ inputShape: [32, 32, 1], seed: 1 }),
 *   train: (m) => pretrainEmbedding(m, glyphs, { indices: splits.train, steps: 600, loss: contrastiveLoss(), seed: 1 }) });
 * ```
 */
export function loadOrPretrainEmbedding<Info>(options: LoadOrPretrainEmbeddingOptions<Info>): Promise<PretrainedEmbedding<Info>> {
  return loadOrPretrain({ ...options, namespace: 'pretrained-embeddings', beforeLoad: () => tf.serialization.registerClass(L2Normalize) });
}
