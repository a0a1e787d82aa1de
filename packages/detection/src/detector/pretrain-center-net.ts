import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, Rng, describe, isFilmLayer } from '@metricopt/core';
import { centerNetLoss, type CenterNetLossOptions } from './center-net-loss.js';

export interface PretrainCenterNetOptions {
  loss: CenterNetLossOptions;
  /** Optimizer steps (batches). */
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Seeds the batch order. */
  seed: number;
  /** Called every `reportEvery` steps (default 10) with the mean loss since the last call. */
  onProgress?: (step: number, loss: number) => void;
  reportEvery?: number;
}

/**
 * Trains every weight of the detector except its FiLM adapters (left at the identity, so φ₀ is the
 * pretrained model) with the CenterNet loss, Adam and a seeded batch order (epochs of shuffled
 * batches). Resolves to the mean loss of the last reporting window.
 *
 * ```ts
 * await pretrainCenterNet(net.model, images, targets, { loss: { numClasses: 10 }, steps: 500, batchSize: 32, learningRate: 2e-3, seed: 1 });
 * ```
 */
export async function pretrainCenterNet(
  model: tfl.LayersModel,
  images: tf.Tensor,
  targets: tf.Tensor,
  options: PretrainCenterNetOptions,
): Promise<number> {
  const fn = 'pretrainCenterNet';
  const { steps, batchSize, learningRate, seed } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new InvalidArgumentError(fn, 'options.steps', 'an integer ≥ 0', describe(steps));
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(fn, 'options.batchSize', 'a positive integer', describe(batchSize));
  if (!(learningRate > 0)) throw new InvalidArgumentError(fn, 'options.learningRate', 'a positive number', describe(learningRate));
  const n = images.shape[0] ?? 0;
  if (n === 0 || targets.shape[0] !== n) {
    throw new InvalidArgumentError(fn, 'targets', `as many rows as images (${n}, at least one)`, describe(targets));
  }
  const reportEvery = options.reportEvery ?? 10;
  const lossFn = centerNetLoss(options.loss);
  const variables = model.layers
    .filter((l) => !isFilmLayer(l))
    .flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const rng = new Rng(seed);
  const optimizer = tf.train.adam(learningRate);
  let order = rng.permutation(n);
  let cursor = 0;
  let sum = 0;
  let count = 0;
  let last = Number.NaN;
  try {
    for (let step = 1; step <= steps; step++) {
      if (cursor + batchSize > n && cursor > 0) {
        order = rng.permutation(n);
        cursor = 0;
      }
      const idx = order.subarray(cursor, Math.min(n, cursor + batchSize));
      cursor += batchSize;
      sum += tf.tidy(() => {
        const i = tf.tensor1d(idx, 'int32');
        const xb = tf.gather(images, i);
        const yb = tf.gather(targets, i);
        const loss = optimizer.minimize(() => lossFn(model.apply(xb, { training: true }) as tf.Tensor, yb), true, variables);
        return loss!.dataSync()[0]!;
      });
      count++;
      if (step % reportEvery === 0 || step === steps) {
        last = sum / count;
        options.onProgress?.(step, last);
        sum = 0;
        count = 0;
        // Let the event loop breathe (progress output, signals).
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  } finally {
    optimizer.dispose();
  }
  return last;
}
