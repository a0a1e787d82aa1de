import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '@metricopt/core';

/** A detector cut at a layer: `head(trunk(x))` computes `model(x)`, sharing its layers and weights. */
export interface CutDetector {
  /** The frozen part: the image to the input of the cut layer. */
  trunk: tfl.LayersModel;
  /** The cut layer and every later layer, applied to trunk features. */
  head: tfl.LayersModel;
  /** Releases the head's hold on the shared layers (call it before disposing the model, which owns the weights). */
  dispose(): void;
}

/**
 * Cuts a detector at the input of `layer` (e.g. `head_conv_film`) into a trunk and a head model
 * that share its layers, so finetuning runs the head on trunk features computed once. The
 * layers from `layer` to the output must form a chain, as CenterNet's head does.
 *
 * ```ts
 * const cut = cutDetector(net.model, 'head_conv_film');
 * cut.trunk.outputs[0].shape;   // [null, 24, 24, 32]
 * cut.head.outputs[0].shape;    // [null, 24, 24, 14]
 * cut.dispose();
 * ```
 */
export function cutDetector(model: tfl.LayersModel, layer: string): CutDetector {
  const fn = 'cutDetector';
  if (!(model instanceof tfl.LayersModel) || model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(fn, 'model', 'a tf.LayersModel with one input and one output', describe(model));
  }
  const layers = model.layers;
  const start = layers.findIndex((l) => l.name === layer);
  if (start < 1) {
    throw new InvalidArgumentError(fn, 'layer', `one of the model's layers after its input [${layers.slice(1).map((l) => l.name).join(', ')}]`, describe(layer));
  }
  const chain = layers.slice(start);
  for (let i = 0; i < chain.length; i++) {
    // Node 0 is the layer's use in the model itself (later nodes come from earlier cuts).
    const inputs = chain[i]!.inboundNodes[0]?.inboundLayers ?? [];
    if (inputs.length !== 1 || (i > 0 && inputs[0] !== chain[i - 1])) {
      throw new MetricOptError(`${fn}: the layers from '${layer}' to the output do not form a chain at '${chain[i]!.name}'; cut at a later layer`);
    }
  }
  if (model.outputs[0]!.sourceLayer !== chain[chain.length - 1]) {
    throw new MetricOptError(`${fn}: the model's output does not come from its last layer`);
  }
  const cut = chain[0]!.getInputAt(0) as tfl.SymbolicTensor;
  const trunk = tfl.model({ inputs: model.inputs, outputs: cut, name: `${model.name}_trunk` });
  const input = tfl.input({ shape: cut.shape.slice(1) as number[], name: `${layer}_features` });
  let x: tfl.SymbolicTensor = input;
  for (const l of chain) x = l.apply(x) as tfl.SymbolicTensor;
  const head = tfl.model({ inputs: input, outputs: x, name: `${model.name}_head` });
  return { trunk, head, dispose: () => void head.dispose() };
}
