import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { FiLM, filmLayers } from './film-layer.js';
import { layersInOrder, nodesFor } from './model-graph.js';

/**
 * Rebuilds a model (functional or Sequential) with a FiLM layer named `${layer}_film` after
 * each named layer. The original layers are reused, so the new model shares their weights; at
 * γ = 1, β = 0 it computes exactly what the original does. The result is a functional model.
 *
 * ```ts
 * const filmed = insertFilm(model, ['conv2', 'dense1']);
 * filmed.getLayer('dense1_film');   // a FiLM layer, γ = 1, β = 0
 * ```
 */
export function insertFilm(model: tfl.LayersModel, layers: string[]): tfl.LayersModel {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError('insertFilm', 'model', 'a tf.LayersModel', describe(model));
  }
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((l) => typeof l !== 'string')) {
    throw new InvalidArgumentError('insertFilm', 'layers', 'a non-empty list of layer names', describe(layers));
  }
  const names = layersInOrder(model).map((l) => l.name);
  const unknown = layers.filter((l) => !names.includes(l));
  if (unknown.length > 0) {
    throw new InvalidArgumentError('insertFilm', 'layers', `names of the model's layers [${names.join(', ')}]`,
      `unknown ${JSON.stringify(unknown)}`);
  }
  const clashing = layers.filter((l) => names.includes(`${l}_film`));
  if (clashing.length > 0) {
    throw new InvalidArgumentError('insertFilm', 'layers', 'layers without a FiLM layer already after them',
      `${JSON.stringify(clashing)} (the model has ${clashing.map((l) => `${l}_film`).join(', ')})`);
  }
  const films = new Map(layers.map((l) => [l, new FiLM({ name: `${l}_film` })]));
  const modulate = (layer: string, t: tfl.SymbolicTensor) => {
    const film = films.get(layer);
    return film ? (film.apply(t) as tfl.SymbolicTensor) : t;
  };

  // Old symbolic tensor id → its counterpart in the new graph.
  const mapped = new Map<number, tfl.SymbolicTensor>();
  for (const t of model.inputs) mapped.set(t.id, modulate(t.sourceLayer.name, t));
  for (const node of nodesFor(model.outputs).nodes) {
    const layer = node.outboundLayer;
    const ins = node.inputTensors.map((t) => mapped.get(t.id)!);
    const out = layer.apply(ins.length === 1 ? ins[0]! : ins, node.callArgs ?? {});
    const list = (Array.isArray(out) ? out : [out]) as tfl.SymbolicTensor[];
    if (films.has(layer.name) && list.length !== 1) {
      throw new InvalidArgumentError('insertFilm', 'layers', 'layers with a single output',
        `'${layer.name}' with ${list.length} outputs`);
    }
    node.outputTensors.forEach((t, i) => mapped.set(t.id, modulate(layer.name, list[i]!)));
  }
  const filmed = tfl.model({ inputs: model.inputs, outputs: model.outputs.map((t) => mapped.get(t.id)!) });
  filmed.setUserDefinedMetadata({ ...(model.getUserDefinedMetadata() ?? {}), filmPoints: filmLayers(filmed) });
  return filmed;
}
