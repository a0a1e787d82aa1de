import * as tf from '@tensorflow/tfjs-core';
import { Rng, combineViews, filmAdapters, headParams, type FinetuneOptions, type Split } from '@metricopt/core';
import { mlpBackbone, withHead } from '@metricopt/core/backbones';
import { errorRateMetric } from '@metricopt/classification';

// The small finetune problem of the reliability scripts (kill-resume's crash trials, the checkpoint
// and value-state fuzz targets): an MLP classifier on four overlapping Gaussian classes (the last one
// rare), φ = head + FiLM of its hidden layer (FiLM segments, so both value-net encoders fit it),
// finetuned by MetricOpt (loss+value, an observation round every 5 steps) toward the error rate.
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

/**
 * Fresh model, φ and finetune options (no checkpoint, finetune's own optimizer unless `extra` gives
 * one): the same every call.
 *
 * ```ts
 * const options = finetuneProblem(20, 3, { optimizer: tf.train.adam(0.01) });
 * await finetune({ ...options, checkpoint: { dir, every: 5 } });
 * ```
 */
export function finetuneProblem(steps: number, seed: number, extra: Partial<FinetuneOptions> = {}): FinetuneOptions {
  const model = withHead(mlpBackbone({ inputDim: DIM, hidden: [16], seed: 3 }).model, { units: CLASSES, seed: 3 });
  const params = combineViews(headParams(model), filmAdapters(model, { layers: ['hidden1'] }));
  return {
    model, params, metric: errorRateMetric, mode: 'loss+value', steps, seed, batchSize: 32, observeEvery: 5, perturbations: 4,
    data: { train: gaussians(TRAIN_ROWS, 21), metric: gaussians(160, 22) }, ...extra,
  };
}
