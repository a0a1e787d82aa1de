import * as tf from '@tensorflow/tfjs-core';
import { softmaxCrossEntropy, type FinetuneMode } from '@metricopt/core';
import { toSplit } from '@metricopt/data';
import { describe, expect, it } from 'vitest';
import { buildClassifier } from './classifier.js';
import { classifierLoss, finetuneClassifier } from './finetune-classifier.js';
import { balancedError } from './metrics/class-recall.js';
import { pretrainClassifier } from './pretrain.js';
import { stripeImages } from './stripe-images.fixture.js';

const train = stripeImages([60, 20, 6], 2);
const metricSet = stripeImages([30, 10, 4], 3);

async function pretrained() {
  const model = buildClassifier({ inputShape: [8, 8, 1], numClasses: 3, filters: [2, 4], units: 8, seed: 5 });
  await pretrainClassifier(model, train, { epochs: 1, batchSize: 16, seed: 1 });
  return model;
}

describe('finetuneClassifier', () => {
  it.each<[FinetuneMode, 'cross-entropy' | 'weighted-cross-entropy']>([
    ['loss', 'cross-entropy'],
    ['loss+value', 'weighted-cross-entropy'],
    ['es', 'cross-entropy'],
  ])('%s with %s runs its budget on head + FiLM and leaks no tensors', async (mode, loss) => {
    const model = await pretrained();
    const data = { train: toSplit(train), metric: toSplit(metricSet) };
    const tensors = tf.memory().numTensors;
    const run = await finetuneClassifier({ model, metric: 'balanced-error', loss, data, mode, steps: 30, seed: 1, batchSize: 16, observeEvery: 10 });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(run.params.size).toBe(3 * 8 + 3 + 2 * 8);
    expect(run.metricCalls).toBe(3 * 9 + 1);
    // The selected φ is written back: its whole-split metric is what the run reports as best.
    const logits = tf.tidy(() => model.predict(data.metric.x) as tf.Tensor);
    expect(balancedError(logits, data.metric.y)).toBeCloseTo(run.best!.metric, 6);
    tf.dispose([logits, data.train.x, data.train.y, data.metric.x, data.metric.y]);
    model.dispose();
  });

  it('resolves losses by name, weighting classes by inverse frequency', () => {
    expect(classifierLoss('cross-entropy', [0], 2)).toBe(softmaxCrossEntropy);
    const weighted = classifierLoss('weighted-cross-entropy', [0, 0, 0, 1], 2);
    const value = tf.tidy(() => weighted(tf.tensor2d([[0, 0], [0, 0]]), tf.tensor1d([0, 1], 'int32')).dataSync()[0]!);
    expect(value).toBeCloseTo(Math.log(2), 6);
    expect(() => classifierLoss('focal' as never, [0], 2)).toThrow(/'loss' passed to classifierLoss/);
  });
});
