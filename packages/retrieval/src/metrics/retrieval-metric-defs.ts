import type * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, defineMetric, describe, type Metric } from '@metricopt/core';
import { retrievalMetricsParallel, type RetrievalMetricsResult } from './retrieval-metrics.js';
import type { RetrievalDistance } from './score-space.js';

export interface RetrievalMetricDefOptions {
  /** 'cosine' (default) or 'euclidean'. */
  metric?: RetrievalDistance;
  timeoutMs?: number;
}

/**
 * Recall@k as a black-box Metric for finetune: outputs are embeddings [N, D], targets labels [N];
 * every item queries all the others. Named `recall@<k>`, higher is better.
 *
 * ```ts
 * const metric = recallAtKMetric(4);
 * await metric.evaluate(tf.tensor2d([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]]), tf.tensor1d([0, 0, 1, 1], 'int32')); // 1
 * ```
 */
export function recallAtKMetric(k: number, options: RetrievalMetricDefOptions = {}): Metric {
  if (!Number.isInteger(k) || k <= 0) throw new InvalidArgumentError('recallAtKMetric', 'k', 'a positive integer', describe(k));
  const name = `recall@${k}`;
  return define(name, options, (result) => result.recallAtK[String(k)]!, [k]);
}

/** MAP@R (Musgrave et al. 2020) as a Metric named `map@r`; see recallAtKMetric. */
export function mapAtRMetric(options: RetrievalMetricDefOptions = {}): Metric {
  return define('map@r', options, (result) => result.mapAtR, [1]);
}

/** R-precision as a Metric named `r-precision`; see recallAtKMetric. */
export function rPrecisionMetric(options: RetrievalMetricDefOptions = {}): Metric {
  return define('r-precision', options, (result) => result.rPrecision, [1]);
}

/** Recall@1 with cosine similarity. */
export const recallAt1: Metric = recallAtKMetric(1);
/** MAP@R with cosine similarity. */
export const mapAtR: Metric = mapAtRMetric();

function define(name: string, options: RetrievalMetricDefOptions, pick: (r: RetrievalMetricsResult) => number, k: number[]): Metric {
  return defineMetric({
    name,
    higherIsBetter: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    evaluate: async (outputs: tf.Tensor, targets: tf.Tensor) => {
      if (outputs.rank !== 2) throw new InvalidArgumentError(name, 'outputs', 'embeddings of rank 2 [N, D]', describe(outputs));
      if (targets.rank !== 1 || targets.shape[0] !== outputs.shape[0]) {
        throw new InvalidArgumentError(name, 'targets', `labels of shape [${outputs.shape[0]}]`, describe(targets));
      }
      const embeddings = Float32Array.from(await outputs.data());
      const labels = Int32Array.from(await targets.data());
      const result = await retrievalMetricsParallel(embeddings, labels, outputs.shape[1]!, { k, metric: options.metric ?? 'cosine' });
      if (result.queries === 0) {
        throw new InvalidArgumentError(name, 'targets', 'at least one label shared by two items', `${labels.length} items, all of distinct labels`);
      }
      return pick(result);
    },
  });
}
