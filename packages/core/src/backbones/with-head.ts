import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { layerSeeds } from './backbone.js';

export interface DenseHeadOptions {
  units: number;
  /** Default 'linear' (logits). */
  activation?: 'linear' | 'softmax' | 'sigmoid' | 'relu' | 'tanh';
  /** Default 'head'. */
  name?: string;
  /** Seeds the kernel initialiser (default 0). */
  seed?: number;
}

/**
 * A task model: the backbone's layers (shared, not copied) followed by a head, as one flat
 * functional model, so FiLM layers and the head are found by name in it. The backbone's
 * metadata (its FiLM points) carries over.
 *
 * ```ts
 * const model = withHead(smallCnn({ seed: 1 }).model, { units: 10 });
 * model.outputs[0].shape;   // [null, 10]
 * ```
 */
export function withHead(backbone: tfl.LayersModel, head: tfl.layers.Layer | DenseHeadOptions): tfl.LayersModel {
  if (!(backbone instanceof tfl.LayersModel) || backbone.outputs.length !== 1) {
    throw new InvalidArgumentError('withHead', 'backbone', 'a tf.LayersModel with one output', describe(backbone));
  }
  let layer: tfl.layers.Layer;
  if (head instanceof tfl.layers.Layer) layer = head;
  else if (head !== null && typeof head === 'object' && Number.isInteger(head.units) && head.units > 0) {
    layer = tfl.layers.dense({
      name: head.name ?? 'head',
      units: head.units,
      activation: head.activation ?? 'linear',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: layerSeeds(head.seed ?? 0, 'withHead')() }),
    });
  } else {
    throw new InvalidArgumentError('withHead', 'head', 'a layer or { units: positive integer, activation?, name? }',
      describe(head));
  }
  const outputs = layer.apply(backbone.outputs[0]!) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: backbone.inputs, outputs, name: `${backbone.name}_with_${layer.name}` });
  model.setUserDefinedMetadata({ ...(backbone.getUserDefinedMetadata() ?? {}) });
  return model;
}
