import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '@metricopt/core';
import { Ungroup } from './ungroup.js';

/** A model cut at a layer: `head(trunk(x))` computes `model(x)`, sharing its layers (and weights). */
export interface CutEmbeddingModel {
  /** The frozen part: the model's input to the input of the cut layer. */
  trunk: tfl.LayersModel;
  /** The cut layer and every layer after it, applied to trunk outputs: what finetuning adapts. */
  head: tfl.LayersModel;
  /** Releases the head's hold on the shared layers (call it before disposing the model, which owns the weights). */
  dispose(): void;
}

/**
 * Cuts an embedding model at the input of `layer` (e.g. its last FiLM point) into a trunk, run
 * once over every split, and a head that finetuning adapts on those cached features (METHOD.md
 * §1). The layers from `layer` to the output must form a chain (FiLM → pooling → projection →
 * L2 normalisation does). With `grouped: true` the head starts with an Ungroup layer, so it also
 * takes the rows of mPerClassSplit ([b, M, ...features] → b·M embeddings); give finetune its
 * parameters with `embeddingParams(head, film, { boundary: false })` then, so the whole head runs
 * on the cached features.
 *
 * ```ts
 * const { trunk, head, dispose } = cutEmbeddingModel(model, 'block3_film');
 * trunk.outputs[0].shape;   // [null, 64]
 * head.outputs[0].shape;    // [null, 64], unit rows
 * dispose();                // then model.dispose() frees every weight
 * ```
 */
export function cutEmbeddingModel(model: tfl.LayersModel, layer: string, options: { grouped?: boolean } = {}): CutEmbeddingModel {
  const fn = 'cutEmbeddingModel';
  if (!(model instanceof tfl.LayersModel) || model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(fn, 'model', 'a tf.LayersModel with one input and one output', describe(model));
  }
  const layers = model.layers;
  const start = layers.findIndex((l) => l.name === layer);
  if (start < 0) throw new InvalidArgumentError(fn, 'layer', `one of the model's layers [${layers.map((l) => l.name).join(', ')}]`, describe(layer));
  const cut = layers[start]!.getInputAt(0) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
  if (Array.isArray(cut)) throw new InvalidArgumentError(fn, 'layer', 'a layer with a single input', `'${layer}' with ${cut.length}`);
  const chain = layers.slice(start);
  for (let i = 1; i < chain.length; i++) {
    const inbound = chain[i]!.getInputAt(0) as tfl.SymbolicTensor | tfl.SymbolicTensor[];
    if (Array.isArray(inbound) || inbound.sourceLayer !== chain[i - 1]) {
      throw new MetricOptError(`${fn}: the layers after '${layer}' do not form a chain ('${chain[i]!.name}' does not take '${chain[i - 1]!.name}' alone); cut at a later layer`);
    }
  }
  if (model.outputs[0]!.sourceLayer !== chain[chain.length - 1]) {
    throw new MetricOptError(`${fn}: the model's output does not come from its last layer after '${layer}'`);
  }
  const trunk = tfl.model({ inputs: model.inputs, outputs: cut, name: `${model.name}_trunk` });
  const input = tfl.input({ shape: cut.shape.slice(1) as number[], name: `${layer}_features` });
  let x: tfl.SymbolicTensor = options.grouped === true ? (new Ungroup({ name: `${layer}_ungroup` }).apply(input) as tfl.SymbolicTensor) : input;
  for (const l of chain) x = l.apply(x) as tfl.SymbolicTensor;
  const head = tfl.model({ inputs: input, outputs: x, name: `${model.name}_head` });
  head.setUserDefinedMetadata({ ...(model.getUserDefinedMetadata() ?? {}) });
  // Applying a layer again adds a reference to it: the head's dispose gives those back.
  return { trunk, head, dispose: () => void head.dispose() };
}
