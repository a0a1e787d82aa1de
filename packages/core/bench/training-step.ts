import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Rng } from '../src/rng.js';

/**
 * A fixed random batch (inputs uniform in [0, 1), 10 one-hot classes) and one Adam (1e-3) training step of `model` on
 * it, returning the loss — the unit the speed scripts time. `dispose()` frees the batch.
 */
export function randomBatchStep(model: tfl.LayersModel, inputShape: readonly number[], seed: number, batch = 64): { step: () => number; dispose: () => void } {
  const rng = new Rng(seed);
  const size = batch * inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(Float32Array.from({ length: size }, () => rng.next()), [batch, ...inputShape]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => rng.int(10)), 'int32'), 10));
  const optimizer = tf.train.adam(1e-3);
  return {
    step: () => {
      const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), true);
      const loss = cost?.dataSync()[0] ?? Number.NaN;
      cost?.dispose();
      return loss;
    },
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
    },
  };
}
