import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Kwargs = Parameters<tfl.layers.Layer['call']>[1];

/**
 * The input layer of a grouped head: rows that hold M samples each ([b, M, ...sample]) become
 * b·M rows ([b·M, ...sample]); plain rows ([n, ...sample]) pass through. So one head model takes
 * the M-per-class training split of mPerClassSplit and the flat metric and test splits alike.
 * Registered for serialization.
 *
 * ```ts
 * new Ungroup().apply(tf.zeros([2, 4, 7, 7, 16])).shape;   // [8, 7, 7, 16] (built for samples [7, 7, 16])
 * ```
 */
export class Ungroup extends tfl.layers.Layer {
  static className = 'Ungroup';
  private sampleRank: number | null = null;

  constructor(args: LayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    this.sampleRank = shape.length - 1;
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      if (this.sampleRank === null || x.rank !== this.sampleRank + 2) return tf.clone(x);
      return tf.reshape(x, [-1, ...x.shape.slice(2)]);
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }
}

tf.serialization.registerClass(Ungroup);
