import { InvalidArgumentError, describe, type Rng } from '@metricopt/core';
import { classCounts, longTailCounts, perClassSubset, splitIndices } from '@metricopt/data';

export interface ClassificationSplitOptions {
  /** Long-tailed training data: class c keeps ratio^(c/(C−1)) of its images (1 = all). Default 1. */
  imbalance?: number;
  /** Instead of `imbalance`: keep this many images of every class (a balanced subset). */
  perClass?: number;
  /** Share of the kept training data held out as the metric split (default 0.15). */
  metricFraction?: number;
  rng: Rng;
  numClasses?: number;
}

/** Disjoint index sets into a dataset's training images. */
export interface ClassificationSplits {
  /** What pretraining and finetuning steps see. */
  train: Int32Array;
  /** What the metric observes (15% of the kept data, stratified). */
  metric: Int32Array;
  /** Drawn like the metric split (same class counts), never observed: tells a real gain from split-specific noise. */
  twin: Int32Array;
}

/**
 * The benchmark's splits of a training set. The twin is drawn first, per class, with the metric
 * split's expected counts (round(f·k_c) for k_c the kept count of class c); the kept subset
 * (long-tailed, per-class, or all) is then drawn from the remaining images — k_c of class c, or
 * all that remain when fewer do (the head class of a long tail, kept whole, loses its twin's
 * share) — and split stratified into train (1 − f) and metric (f).
 *
 * ```ts
 * const s = classificationSplits(fashion.train.labels, { imbalance: 0.05, rng: new Rng(1) });
 * [s.train.length, s.metric.length, s.twin.length];   // [16602, 2930, 3065]
 * ```
 */
export function classificationSplits(labels: ArrayLike<number>, options: ClassificationSplitOptions): ClassificationSplits {
  const fn = 'classificationSplits';
  const f = options.metricFraction ?? 0.15;
  if (!(f > 0 && f < 0.5)) throw new InvalidArgumentError(fn, 'metricFraction', 'a fraction in (0, 0.5)', describe(f));
  const counts = classCounts(labels, options.numClasses === undefined ? {} : { numClasses: options.numClasses });
  let kept: number[];
  if (options.perClass !== undefined) {
    if (!Number.isInteger(options.perClass) || options.perClass < 1) throw new InvalidArgumentError(fn, 'perClass', 'a positive integer', describe(options.perClass));
    kept = counts.map((n) => Math.min(n, options.perClass!));
  } else {
    kept = longTailCounts(counts, options.imbalance ?? 1);
  }
  const twinCounts = kept.map((k) => Math.round(f * k));
  const twin = perClassSubset(labels, twinCounts, { rng: options.rng });
  const inTwin = new Uint8Array(labels.length);
  for (const i of twin) inTwin[i] = 1;
  const rest = Int32Array.from({ length: labels.length }, (_, i) => i).filter((i) => inTwin[i] === 0);
  const keep = kept.map((k, c) => Math.min(k, counts[c]! - twinCounts[c]!));
  const pool = perClassSubset(labels, keep, { rng: options.rng, indices: rest });
  const { train, metric } = splitIndices(pool, { fractions: { train: 1 - f, metric: f }, rng: options.rng, stratify: labels });
  return { train, metric, twin };
}
