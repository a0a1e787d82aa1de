import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '@metricopt/core';
import type { LabelledSamples } from './gaussian-mixture.js';

/**
 * A prepared problem's model and the split tensors made for it, freed together by one `dispose`.
 *
 * ```ts
 * const owned = new OwnedSplits(model);
 * const train = owned.split(samples);   // x [n, dim] float32, y [n] int32
 * owned.dispose();                      // the splits and the model
 * ```
 */
export class OwnedSplits {
  private readonly tensors: tf.Tensor[] = [];

  constructor(private readonly model: tfl.LayersModel) {}

  split(samples: LabelledSamples): Split {
    const split = { x: tf.tensor2d(samples.x, [samples.n, samples.dim]), y: tf.tensor1d(samples.y, 'int32') };
    this.tensors.push(split.x, split.y);
    return split;
  }

  dispose(): void {
    tf.dispose(this.tensors);
    this.model.dispose();
  }
}
