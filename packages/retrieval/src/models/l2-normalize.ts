import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/**
 * Scales every row to unit L2 norm along the last axis: `y = x / max(‖x‖, ε)` (ε = 1e-12, so a
 * zero row stays zero). No weights; registered for serialization, so saved embedding models load.
 *
 * ```ts
 * const y = new L2Normalize({ name: 'l2' }).apply(tfl.input({ shape: [64] }));   // rows of norm 1
 * ```
 */
export class L2Normalize extends tfl.layers.Layer {
  static className = 'L2Normalize';

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const norm = tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-24));
      return tf.div(x, norm);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}

tf.serialization.registerClass(L2Normalize);
