import type * as tfl from '@tensorflow/tfjs-layers';
import { cutModel, type ModelCut } from '@metricopt/core';
import { Ungroup } from './ungroup.js';

/** An embedding model cut at a layer: core's ModelCut (`head(trunk(x))` computes `model(x)`, sharing its weights). */
export type CutEmbeddingModel = ModelCut;

/**
 * Cuts an embedding model at the input of `layer` (e.g. its last FiLM point) with core's
 * `cutModel`: a trunk, run once over every split, and a head that finetuning adapts on those
 * cached features (METHOD.md §1); the head keeps the model's metadata (its FiLM points). With
 * `grouped: true` the head starts with an Ungroup layer, so it also takes the rows of
 * mPerClassSplit ([b, M, ...features] → b·M embeddings); give finetune its parameters with
 * `embeddingParams(head, film, { boundary: false })` then, so the whole head runs on the cached
 * features. Errors are cutModel's.
 *
 * ```ts
 * const { trunk, head, dispose } = cutEmbeddingModel(model, 'block3_film');
 * trunk.outputs[0].shape;   // [null, 64]
 * head.outputs[0].shape;    // [null, 64], unit rows
 * dispose();                // and model.dispose(), in either order, frees every weight
 * ```
 */
export function cutEmbeddingModel(model: tfl.LayersModel, layer: string, options: { grouped?: boolean } = {}): CutEmbeddingModel {
  const headInput = options.grouped === true ? [new Ungroup({ name: `${layer}_ungroup` })] : [];
  const cut = cutModel(model, layer, { headInput });
  cut.head.setUserDefinedMetadata({ ...(model.getUserDefinedMetadata() ?? {}) });
  return cut;
}
