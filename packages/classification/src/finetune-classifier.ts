import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  InvalidArgumentError,
  describe,
  finetune,
  inverseFrequencyWeights,
  softmaxCrossEntropy,
  weightedCrossEntropy,
  type FinetuneOptions,
  type FinetuneResult,
  type LossFn,
  type Metric,
  type ParamView,
  type Split,
} from '@metricopt/core';
import { classifierParams, type FilmChoice } from './classifier-params.js';
import { classificationMetric } from './metrics/classification-metrics.js';

/** `cross-entropy`, or `weighted-cross-entropy` with inverse-frequency class weights of the training labels (the surrogate for balanced metrics). */
export type ClassifierLoss = 'cross-entropy' | 'weighted-cross-entropy';

export interface FinetuneClassifierOptions extends Omit<FinetuneOptions, 'params' | 'metric' | 'loss' | 'data'> {
  model: tfl.LayersModel;
  /** A Metric or a classification metric's name ('balanced-error', 'macro-f1', …). */
  metric: Metric | string;
  /** Images (or anything the model takes) with integer labels. */
  data: { train: Split; metric: Split };
  loss?: ClassifierLoss | LossFn;
  /** FiLM layers adapted with the head (default 'last'). Ignored when `params` is given. */
  film?: FilmChoice;
  /** φ (default classifierParams(model, film)). */
  params?: ParamView;
}

/** The loss function a ClassifierLoss names, for these training labels. */
export function classifierLoss(loss: ClassifierLoss | LossFn, trainLabels: ArrayLike<number>, numClasses: number): LossFn {
  if (typeof loss === 'function') return loss;
  if (loss === 'cross-entropy') return softmaxCrossEntropy;
  if (loss === 'weighted-cross-entropy') return weightedCrossEntropy(inverseFrequencyWeights(trainLabels, numClasses));
  throw new InvalidArgumentError('classifierLoss', 'loss', "'cross-entropy', 'weighted-cross-entropy' or a loss function", describe(loss));
}

/**
 * Finetunes a classifier's head and FiLM adapters toward a classification metric with core's
 * finetune (any mode: MetricOpt, loss-only, ES, …). The model is changed in place (to the
 * selected φ); the trunk below φ runs once per split.
 *
 * ```ts
 * const run = await finetuneClassifier({ model, metric: 'balanced-error', loss: 'weighted-cross-entropy',
 *   data: { train, metric: metricSplit }, steps: 300, seed: 1 });
 * run.best;   // { step: 290, metric: 0.127 }
 * ```
 */
export async function finetuneClassifier(options: FinetuneClassifierOptions): Promise<FinetuneResult & { params: ParamView }> {
  const { model, data } = options;
  const metric = typeof options.metric === 'string' ? classificationMetric(options.metric) : options.metric;
  const params = options.params ?? classifierParams(model, options.film ?? 'last');
  const numClasses = model.outputs[0]!.shape[1] as number;
  let loss: LossFn = softmaxCrossEntropy;
  if (options.loss !== undefined && options.loss !== 'cross-entropy') {
    const labels = data?.train?.y instanceof tf.Tensor ? await trainLabels(data.train.y) : [];
    loss = classifierLoss(options.loss, labels, numClasses);
  }
  const { film: _film, params: _params, metric: _metric, loss: _loss, ...rest } = options;
  const run = await finetune({ ...rest, params, metric, loss });
  return { ...run, params };
}

async function trainLabels(y: tf.Tensor): Promise<Int32Array> {
  if (y.rank === 2) {
    const labels = tf.argMax(y, 1);
    try {
      return (await labels.data()) as Int32Array;
    } finally {
      labels.dispose();
    }
  }
  return Int32Array.from(await y.data());
}
