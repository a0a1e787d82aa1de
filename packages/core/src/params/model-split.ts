import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '../errors.js';
import { cutPoint } from './cut-point.js';
import { runNodes } from './model-graph.js';

/** A model cut in two at a parameter view's boundary. */
export interface ModelSplit {
  /** The frozen part: the input of the boundary layer, computed in inference mode. The caller owns the result. */
  trunk: (x: tf.Tensor) => tf.Tensor;
  /** The rest of the graph applied eagerly to trunk features, so gradients reach φ's variables. */
  head: (features: tf.Tensor) => tf.Tensor;
  dispose(): void;
}

/**
 * Cuts a single-input, single-output model at the input of `boundary`, which must be one
 * tensor that every path from the input to the output goes through. `head(trunk(x))` equals
 * `model.predict(x)`; with boundary null the trunk is the identity and the head the whole model.
 * Both parts run the model's own layers (in inference mode), so they share its weights.
 *
 * ```ts
 * const { trunk, head } = splitModel(model, 'block3_film');
 * const features = trunk(images);                       // computed once, cached
 * const { grads } = tf.variableGrads(() => loss(head(features), labels), view.variables);
 * ```
 */
export function splitModel(model: tfl.LayersModel, boundary: string | null): ModelSplit {
  const { input, output, cut, trunkNodes, headNodes } = cutPoint('splitModel', model, boundary);
  let disposed = false;
  const check = (fn: string, arg: string, t: tf.Tensor) => {
    if (disposed) throw new MetricOptError(`${fn}: this model split was disposed`);
    if (!(t instanceof tf.Tensor)) throw new InvalidArgumentError(fn, arg, 'a tf.Tensor', describe(t));
  };
  return {
    trunk: (x) => {
      check('splitModel.trunk', 'x', x);
      if (trunkNodes.length === 0) return x.clone();
      return tf.tidy(() => runNodes(trunkNodes, new Map([[input.id, x]]), [cut], false)[0]!);
    },
    head: (features) => {
      check('splitModel.head', 'features', features);
      return tf.tidy(() => runNodes(headNodes, new Map([[cut.id, features]]), [output], false)[0]!);
    },
    dispose: () => {
      // The split owns no tensors (the layers are the model's); this only stops later calls.
      disposed = true;
    },
  };
}
