import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, defineMetric, filmAdapters, headParams, type FinetuneOptions, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';

// The crash-safety problem: a small MLP classifier on four overlapping Gaussian classes (the last one
// rare), finetuned by MetricOpt (loss+value, an observation round every 5 steps) toward the error rate.
export const CLASSES = 4;
export const DIM = 8;
export const TRAIN_ROWS = 400;

function gaussians(n: number, seed: number): Split {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.next() < 0.1 ? CLASSES - 1 : rng.int(CLASSES - 1);
    y.push(c);
    for (let d = 0; d < DIM; d++) x.push(rng.normal() + (d === c ? 1.2 : 0));
  }
  return { x: tf.tensor2d(x, [n, DIM]), y: tf.tensor1d(y, 'int32') };
}

export const errorRate = defineMetric({
  name: 'error-rate',
  higherIsBetter: false,
  evaluate: (out, t) => {
    const p = tf.tidy(() => tf.argMax(out, 1).dataSync());
    const l = t.dataSync();
    let wrong = 0;
    for (let i = 0; i < l.length; i++) if (p[i] !== l[i]) wrong++;
    return wrong / l.length;
  },
});

/** Fresh model, φ and finetune options (no checkpoint): the same every call. */
export function crashProblem(steps: number, seed: number): FinetuneOptions {
  const model = withHead(mlpBackbone({ inputDim: DIM, hidden: [16], seed: 3 }).model, { units: CLASSES, seed: 3 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
  return {
    model, params, metric: errorRate, mode: 'loss+value', steps, seed, batchSize: 32, observeEvery: 5, perturbations: 4,
    data: { train: gaussians(TRAIN_ROWS, 21), metric: gaussians(160, 22) }, optimizer: tf.train.adam(0.01),
  };
}
