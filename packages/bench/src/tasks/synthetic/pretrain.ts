import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, Rng, softmaxCrossEntropy } from '@metricopt/core';
import type { LabelledSamples } from './gaussian-mixture.js';

export interface PretrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the batch order. */
  seed: number;
  /** Called after every epoch with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Plain cross-entropy training of every weight except the FiLM adapters (they stay at the
 * identity, so φ₀ is the pretrained model), with Adam and a seeded batch order.
 */
export async function pretrainCrossEntropy(model: tfl.LayersModel, samples: LabelledSamples, options: PretrainOptions): Promise<number> {
  const { epochs, batchSize, learningRate, seed } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new InvalidArgumentError('pretrainCrossEntropy', 'epochs', 'an integer ≥ 0', `${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidArgumentError('pretrainCrossEntropy', 'batchSize', 'a positive integer', `${batchSize}`);
  }
  const variables = model.layers
    .filter((l) => l.getClassName() !== 'FiLM')
    .flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const rng = new Rng(seed);
  const optimizer = tf.train.adam(learningRate);
  const x = tf.tensor2d(samples.x, [samples.n, samples.dim]);
  const y = tf.tensor1d(samples.y, 'int32');
  let last = Number.NaN;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = rng.permutation(samples.n);
      let sum = 0;
      let batches = 0;
      for (let i = 0; i < samples.n; i += batchSize) {
        const idx = order.subarray(i, Math.min(samples.n, i + batchSize));
        sum += tf.tidy(() => {
          const index = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(x, index);
          const yb = tf.gather(y, index);
          const loss = optimizer.minimize(() => softmaxCrossEntropy(model.apply(xb) as tf.Tensor, yb), true, variables);
          return loss!.dataSync()[0]!;
        });
        batches++;
      }
      last = sum / Math.max(1, batches);
      options.onEpoch?.(epoch + 1, last);
      // Let the event loop breathe between epochs (progress output, signals).
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
  return last;
}
