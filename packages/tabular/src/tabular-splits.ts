import { InvalidArgumentError, Rng } from '@metricopt/core';
import type { TabularData } from './tabular-data.js';

/** The four splits of a bench run: train (pretraining and the loss), metric (observed), twin (drawn like metric, never observed), test. */
export interface TabularSplits {
  train: TabularData;
  metric: TabularData;
  twin: TabularData;
  test: TabularData;
}

/** The rows `rows` of a dataset, in that order. */
export function takeRows(data: TabularData, rows: ArrayLike<number>, source = data.source): TabularData {
  const n = rows.length;
  const x = new Float32Array(n * data.dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    x.set(data.x.subarray(r * data.dim, (r + 1) * data.dim), i * data.dim);
    y[i] = data.y[r]!;
  }
  return { x, y, n, dim: data.dim, featureNames: data.featureNames, source };
}

/**
 * Splits a dataset per class (so each split keeps the positive rate): of every class's rows, in a
 * seeded order, `test`, then `metric`, then `twin` (fractions of the class), the rest train.
 *
 * ```ts
 * const s = stratifiedSplits(data, { metric: 0.15, twin: 0.15, test: 0.2 }, 1);
 * s.train.n + s.metric.n + s.twin.n + s.test.n === data.n;   // true
 * ```
 */
export function stratifiedSplits(data: TabularData, fractions: { metric: number; twin: number; test: number }, seed: number): TabularSplits {
  const { metric, twin, test } = fractions;
  if (![metric, twin, test].every((f) => f > 0) || metric + twin + test >= 1) {
    throw new InvalidArgumentError('stratifiedSplits', 'fractions', 'positive fractions summing to less than 1', JSON.stringify(fractions));
  }
  const rng = new Rng(seed);
  const parts: Record<keyof TabularSplits, number[]> = { train: [], metric: [], twin: [], test: [] };
  for (const label of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < data.n; i++) if (data.y[i] === label) rows.push(i);
    const order = rng.permutation(rows.length);
    const nTest = Math.round(rows.length * test);
    const nMetric = Math.round(rows.length * metric);
    const nTwin = Math.round(rows.length * twin);
    order.forEach((o, j) => {
      const part = j < nTest ? 'test' : j < nTest + nMetric ? 'metric' : j < nTest + nMetric + nTwin ? 'twin' : 'train';
      parts[part].push(rows[o]!);
    });
  }
  for (const [name, rows] of Object.entries(parts)) {
    if (!rows.some((r) => data.y[r] === 1) || !rows.some((r) => data.y[r] === 0)) {
      throw new InvalidArgumentError('stratifiedSplits', 'data', `both classes in every split (${name} has ${rows.length} rows)`, data.source);
    }
  }
  const take = (name: keyof TabularSplits) => takeRows(data, parts[name].sort((a, b) => a - b), `${data.source} [${name}]`);
  return { train: take('train'), metric: take('metric'), twin: take('twin'), test: take('test') };
}

/**
 * Standardises every split's features with the training split's mean and standard deviation (a
 * constant column is only centred), so no statistic of the held-out splits leaks into training.
 */
export function standardize(splits: TabularSplits): TabularSplits {
  const { train } = splits;
  const mean = new Float64Array(train.dim);
  const std = new Float64Array(train.dim);
  for (let i = 0; i < train.n; i++) for (let k = 0; k < train.dim; k++) mean[k]! += train.x[i * train.dim + k]! / train.n;
  for (let i = 0; i < train.n; i++) for (let k = 0; k < train.dim; k++) std[k]! += (train.x[i * train.dim + k]! - mean[k]!) ** 2 / train.n;
  for (let k = 0; k < train.dim; k++) std[k] = std[k]! > 0 ? Math.sqrt(std[k]!) : 1;
  const apply = (d: TabularData): TabularData => ({
    ...d,
    x: d.x.map((v, j) => (v - mean[j % d.dim]!) / std[j % d.dim]!),
  });
  return { train: apply(train), metric: apply(splits.metric), twin: apply(splits.twin), test: apply(splits.test) };
}
