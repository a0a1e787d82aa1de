import { InvalidArgumentError, Rng } from '@metricopt/core';
import {
  classCounts,
  longTailedCounts,
  sampleMixture,
  takeRows,
  type GaussianMixture,
  type LabelledSamples,
} from './gaussian-mixture.js';

export interface SplitSizes {
  /** Samples of the largest class in the training pool. */
  head: number;
  /** Class c of the pool keeps ratio^(c/(C−1)) of `head` (1: balanced). */
  imbalance: number;
  /** Share of the pool held out as the metric split (same distribution as train). */
  metricFraction: number;
  /** Samples per class of the class-balanced test split. */
  testPerClass: number;
}

/**
 * - `train`: the long-tailed pool less the metric split; the loss sees it.
 * - `metric`: a random `metricFraction` of the pool; the metric is observed on it.
 * - `twin`: fresh samples with exactly the metric split's class counts; never observed, it tells a
 *   real gain from one that only fits the metric split's noise.
 * - `test`: class-balanced, so the balanced error is estimated evenly over classes.
 */
export interface SyntheticSplits {
  train: LabelledSamples;
  metric: LabelledSamples;
  twin: LabelledSamples;
  test: LabelledSamples;
}

export const DEFAULT_SPLIT_SIZES: SplitSizes = Object.freeze({ head: 2000, imbalance: 0.05, metricFraction: 0.15, testPerClass: 500 });

/** Draws every split from `seed`: each split from its own fork, so resizing one leaves the others unchanged. */
export function makeSyntheticSplits(mixture: GaussianMixture, sizes: SplitSizes, seed: number): SyntheticSplits {
  if (!(sizes.metricFraction > 0 && sizes.metricFraction < 1)) {
    throw new InvalidArgumentError('makeSyntheticSplits', 'sizes.metricFraction', 'a number in (0, 1)', `${sizes.metricFraction}`);
  }
  if (!Number.isInteger(sizes.testPerClass) || sizes.testPerClass < 1) {
    throw new InvalidArgumentError('makeSyntheticSplits', 'sizes.testPerClass', 'a positive integer', `${sizes.testPerClass}`);
  }
  const C = mixture.spec.numClasses;
  const rng = new Rng(seed);
  const poolRng = rng.fork();
  const splitRng = rng.fork();
  const twinRng = rng.fork();
  const testRng = rng.fork();
  const pool = sampleMixture(mixture, longTailedCounts(sizes.head, C, sizes.imbalance), poolRng);
  const order = splitRng.permutation(pool.n);
  const nMetric = Math.round(sizes.metricFraction * pool.n);
  const metric = takeRows(pool, order.subarray(0, nMetric));
  const train = takeRows(pool, order.subarray(nMetric));
  const twin = sampleMixture(mixture, classCounts(metric.y, C), twinRng);
  const test = sampleMixture(mixture, new Array<number>(C).fill(sizes.testPerClass), testRng);
  return { train, metric, twin, test };
}
