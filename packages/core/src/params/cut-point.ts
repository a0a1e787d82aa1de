import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, MetricOptError, describe } from '../errors.js';
import { layersInOrder, nodesFor, type LayerNode } from './model-graph.js';

/** Where a single-input, single-output model is cut: the tensor every path from input to output crosses. */
export interface CutPoint {
  input: tfl.SymbolicTensor;
  output: tfl.SymbolicTensor;
  /** The input of the boundary layer (the model's input when the boundary is null). */
  cut: tfl.SymbolicTensor;
  /** The nodes from the input to the cut, in topological order (none when the cut is the input). */
  trunkNodes: LayerNode[];
  /** The nodes from the cut to the output, in topological order. */
  headNodes: LayerNode[];
}

/**
 * Finds the input of layer `boundary` in `model`'s graph and checks that it cuts the graph; the
 * errors name `fn`, the public function that asked. Shared by splitModel and cutModel.
 */
export function cutPoint(fn: string, model: tfl.LayersModel, boundary: string | null): CutPoint {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError(fn, 'model', 'a tf.LayersModel', describe(model));
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new InvalidArgumentError(fn, 'model', 'a model with one input and one output',
      `${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  }
  const input = model.inputs[0]!;
  const output = model.outputs[0]!;
  let cut = input;
  if (boundary !== null) {
    if (typeof boundary !== 'string') {
      throw new InvalidArgumentError(fn, 'boundary', 'a layer name or null', describe(boundary));
    }
    const uses = nodesFor([output]).nodes.filter((n) => n.outboundLayer.name === boundary);
    if (uses.length === 0) {
      // Input layers are not candidates: the graph cannot be cut before its input.
      const names = layersInOrder(model).filter((l) => !model.inputLayers.includes(l)).map((l) => l.name);
      throw new InvalidArgumentError(fn, 'boundary', `one of the model's layers after its input [${names.join(', ')}]`,
        describe(boundary));
    }
    const ins = uses[0]!.inputTensors;
    if (uses.length > 1 || ins.length !== 1) {
      throw new InvalidArgumentError(fn, 'boundary', 'a layer applied once, to a single tensor',
        `'${boundary}' applied ${uses.length} time(s) to ${ins.length} tensor(s)`);
    }
    cut = ins[0]!;
  }
  const headPart = nodesFor([output], new Set([cut.id]));
  if (headPart.sources.length > 0) {
    // A path from the input reaches the output without crossing the cut: a skip connection jumps over it.
    throw new MetricOptError(
      `${fn}: the input of boundary layer '${boundary}' does not cut the graph: the output also depends on ` +
        `[${headPart.sources.map((s) => s.sourceLayer.name).join(', ')}] by a path around it (a skip connection ` +
        'jumps over it); choose a boundary whose input every path goes through, such as the output of a block',
    );
  }
  return { input, output, cut, trunkNodes: cut === input ? [] : nodesFor([cut]).nodes, headNodes: headPart.nodes };
}
