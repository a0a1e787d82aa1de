import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '../errors.js';
import { layersInOrder, nodesFor, runNodes } from './model-graph.js';

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
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError('splitModel', 'model', 'a tf.LayersModel', describe(model));
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError('splitModel', 'model', 'a model with one input and one output',
      `${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  let cut = input;
  if (boundary !== null) {
    if (typeof boundary !== 'string') {
      throw new InvalidArgumentError('splitModel', 'boundary', 'a layer name or null', describe(boundary));
    }
    const uses = nodesFor([output]).nodes.filter((n) => n.outboundLayer.name === boundary);
    if (uses.length === 0) {
      const names = layersInOrder(model).map((l) => l.name);
      throw new InvalidArgumentError('splitModel', 'boundary', `one of the model's layers [${names.join(', ')}]`,
        describe(boundary));
    }
    const ins = uses[0]!.inputTensors;
    if (uses.length > 1 || ins.length !== 1) {
      throw new InvalidArgumentError('splitModel', 'boundary', 'a layer applied once, to a single tensor',
        `'${boundary}' applied ${uses.length} time(s) to ${ins.length} tensor(s)`);
    }
    cut = ins[0]!;
  }
  const headPart = nodesFor([output], new Set([cut.id]));
  if (headPart.sources.length > 0) {
    // A path from the input reaches the output without crossing the cut: a skip connection jumps over it.
    throw new MetricOptError(
      `splitModel: the input of boundary layer '${boundary}' does not cut the graph: the output also depends on ` +
        `[${headPart.sources.map((s) => s.sourceLayer.name).join(', ')}] by a path around it (a skip connection ` +
        'jumps over it); choose a boundary whose input every path goes through, such as the output of a block',
    );
  }
  const trunkNodes = cut === input ? [] : nodesFor([cut]).nodes;
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
      return tf.tidy(() => runNodes(headPart.nodes, new Map([[cut.id, features]]), [output], false)[0]!);
    },
    dispose: () => {
      // The split owns no tensors (the layers are the model's); this only stops later calls.
      disposed = true;
    },
  };
}
