import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { InvalidArgumentError, Rng, describe, softmaxCrossEntropy } from '@metricopt/core';
import { batches, type LabelledImages, type TensorOptions } from '@metricopt/data';

export interface PretrainOptions {
  /** The training rows (default: all). */
  indices?: ArrayLike<number>;
  epochs: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's learning rate (default 1e-3). */
  learningRate?: number;
  /** Seeds the batch order. */
  seed: number;
  /** How images become inputs (the same must be used at finetune and test time). */
  normalize?: TensorOptions['normalize'];
  /** After every epoch, with its mean loss. */
  onEpoch?: (epoch: number, loss: number) => void;
  /** After every step, with its loss. */
  onStep?: (step: number, loss: number) => void;
}

export interface PretrainResult {
  /** Mean cross-entropy of the last epoch. */
  loss: number;
  steps: number;
  seconds: number;
}

/**
 * Cross-entropy training of every weight but the FiLM adapters (they stay at the identity, so
 * the finetune's φ₀ is the pretrained model), with Adam and a seeded batch order.
 *
 * ```ts
 * const model = buildClassifier({ inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
 * const { loss } = await pretrainClassifier(model, fashion.train, { epochs: 2, seed: 1, indices: splits.train });
 * ```
 */
export async function pretrainClassifier(model: tfl.LayersModel, set: LabelledImages, options: PretrainOptions): Promise<PretrainResult> {
  const fn = 'pretrainClassifier';
  const { epochs, seed } = options;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 1e-3;
  if (!Number.isInteger(epochs) || epochs < 0) throw new InvalidArgumentError(fn, 'epochs', 'an integer ≥ 0', describe(epochs));
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(fn, 'batchSize', 'a positive integer', describe(batchSize));
  if (!(learningRate > 0)) throw new InvalidArgumentError(fn, 'learningRate', 'a positive number', describe(learningRate));
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(fn, 'seed', 'an integer', describe(seed));
  const started = performance.now();
  const variables = model.layers
    .filter((l) => l.getClassName() !== 'FiLM')
    .flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const optimizer = tf.train.adam(learningRate);
  const rng = new Rng(seed);
  let loss = Number.NaN;
  let steps = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      let sum = 0;
      let count = 0;
      const source = batches(set, {
        batchSize,
        rng,
        ...(options.indices === undefined ? {} : { indices: options.indices }),
        ...(options.normalize === undefined ? {} : { normalize: options.normalize }),
      });
      for await (const { x, y } of source) {
        const value = tf.tidy(() => optimizer.minimize(() => softmaxCrossEntropy(model.apply(x, { training: true }) as tf.Tensor, y), true, variables)!.dataSync()[0]!);
        steps++;
        sum += value;
        count++;
        options.onStep?.(steps, value);
      }
      loss = sum / Math.max(1, count);
      options.onEpoch?.(epoch + 1, loss);
    }
  } finally {
    optimizer.dispose();
  }
  return { loss, steps, seconds: (performance.now() - started) / 1000 };
}
