import * as tf from '@tensorflow/tfjs-core';
import { mlpBackbone, withHead } from './backbones/index.js';
import type { FinetuneOptions, Split } from './finetune-options.js';
import { defineMetric, type Metric } from './metric.js';
import { combineViews, filmAdapters, headParams } from './params/film-adapters.js';
import { Rng } from './rng.js';

// The tiny problem the finetune tests share: three overlapping Gaussian classes, the last one rare.
export const CLASSES = 3;
export const DIM = 4;

export function gaussians(n: number, seed: number): Split {
  const rng = new Rng(seed);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng.next() < 0.15 ? 2 : rng.int(2);
    y.push(c);
    for (let d = 0; d < DIM; d++) x.push(rng.normal() + (d === c ? 1.5 : 0));
  }
  return { x: tf.tensor2d(x, [n, DIM]), y: tf.tensor1d(y, 'int32') };
}

/** The share of rows whose arg-max class is not their label. */
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

export const train = gaussians(300, 11);
export const metricSplit = gaussians(120, 12);

/** A fresh MLP (head + FiLM on hidden1) and finetune options on the shared problem. */
export function tinyOptions(metric: Metric, extra: Partial<FinetuneOptions> = {}): FinetuneOptions {
  const model = withHead(mlpBackbone({ inputDim: DIM, hidden: [8], seed: 1 }).model, { units: CLASSES, seed: 1 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
  return {
    model, params, metric, steps: 40, seed: 5, batchSize: 32, observeEvery: 10,
    data: { train, metric: metricSplit }, optimizer: tf.train.adam(0.01), ...extra,
  };
}
