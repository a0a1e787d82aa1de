import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, describe } from '../errors.js';
import { ParamView, type SegmentKind } from '../param-view.js';
import { recordBoundary } from './boundary-order.js';
import { layersInOrder } from './model-graph.js';

/**
 * The kernel and bias of the model's last Dense layer (or of `layer`) as a parameter view whose
 * boundary is that layer: everything below it is frozen.
 *
 * ```ts
 * const view = headParams(model);   // segments: head/kernel (head-kernel), head/bias (head-bias)
 * view.boundary;                    // 'head'
 * ```
 */
export function headParams(model: tfl.LayersModel, options: { layer?: string } = {}): ParamView {
  if (!(model instanceof tfl.LayersModel)) {
    throw new InvalidArgumentError('headParams', 'model', 'a tf.LayersModel', describe(model));
  }
  const ordered = layersInOrder(model);
  let head: tfl.layers.Layer | undefined;
  if (options.layer !== undefined) {
    head = ordered.find((l) => l.name === options.layer);
    if (head === undefined) {
      throw new InvalidArgumentError('headParams', 'layer', `one of the model's layers [${ordered.map((l) => l.name).join(', ')}]`,
        describe(options.layer));
    }
  } else {
    head = [...ordered].reverse().find((l) => l.getClassName() === 'Dense');
    if (head === undefined) {
      throw new InvalidArgumentError('headParams', 'model', 'a model with a Dense layer (or pass options.layer)',
        `layers [${ordered.map((l) => l.getClassName()).join(', ')}]`);
    }
  }
  const weight = (suffix: string) => head!.weights.find((w) => w.originalName.endsWith(`/${suffix}`))?.read() as tf.Variable | undefined;
  const kernel = weight('kernel');
  const bias = weight('bias');
  if (kernel === undefined) {
    throw new InvalidArgumentError('headParams', 'layer', 'a built layer with a kernel', `'${head.name}' (${head.getClassName()})`);
  }
  const entries: { variable: tf.Variable; kind: SegmentKind }[] = [{ variable: kernel, kind: 'head-kernel' }];
  if (bias !== undefined) entries.push({ variable: bias, kind: 'head-bias' });
  return recordBoundary(new ParamView(entries, head.name), model);
}
