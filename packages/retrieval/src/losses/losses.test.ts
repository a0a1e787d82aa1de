import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Rng, type LossFn } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { contrastiveLoss } from './contrastive-loss.js';
import { recallAtKLoss } from './recall-at-k-loss.js';
import { smoothApLoss } from './smooth-ap-loss.js';
import { tripletLoss } from './triplet-loss.js';

// Naive float64 references, written from the papers' definitions.
type Rows = number[][];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const unit = (v: number[]) => {
  const norm = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
  return v.map((a) => a / Math.max(norm, 1e-6));
};
const cos = (a: number[], b: number[]) => unit(a).reduce((s, v, k) => s + v * unit(b)[k]!, 0);
const dist = (a: number[], b: number[], d: 'cosine' | 'euclidean') =>
  d === 'cosine' ? 1 - cos(a, b) : Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0));

function naiveContrastive(x: Rows, y: number[], margin: number, d: 'cosine' | 'euclidean'): number {
  let pos = 0, posN = 0, neg = 0, negN = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < x.length; j++) {
      if (i === j) continue;
      const dij = dist(x[i]!, x[j]!, d);
      if (y[i] === y[j]) (pos += dij ** 2), posN++;
      else (neg += Math.max(0, margin - dij) ** 2), negN++;
    }
  }
  return (posN ? pos / posN : 0) + (negN ? neg / negN : 0);
}

function naiveTriplet(x: Rows, y: number[], margin: number, d: 'cosine' | 'euclidean'): number {
  const terms: number[] = [];
  for (let a = 0; a < x.length; a++) {
    for (let p = 0; p < x.length; p++) {
      if (p === a || y[p] !== y[a]) continue;
      const dap = dist(x[a]!, x[p]!, d);
      const negatives = x.map((_, m) => m).filter((m) => y[m] !== y[a]).map((m) => dist(x[a]!, x[m]!, d));
      if (negatives.length === 0) continue;
      const semiHard = negatives.filter((dan) => dan > dap);
      const dan = semiHard.length > 0 ? Math.min(...semiHard) : Math.min(...negatives);
      terms.push(Math.max(0, dap - dan + margin));
    }
  }
  return terms.length ? terms.reduce((s, t) => s + t, 0) / terms.length : 0;
}

/** rank of j for query i among `pool` (k ≠ i, j), sigmoid-relaxed. */
function relaxedRank(x: Rows, i: number, j: number, pool: number[], tau: number): number {
  return 1 + pool.filter((k) => k !== i && k !== j).reduce((s, k) => s + sigmoid((cos(x[i]!, x[k]!) - cos(x[i]!, x[j]!)) / tau), 0);
}

function naiveSmoothAp(x: Rows, y: number[], tau: number): number {
  const all = x.map((_, k) => k);
  const losses: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const positives = all.filter((k) => k !== i && y[k] === y[i]);
    if (positives.length === 0) continue;
    const ap = positives.reduce((s, j) => s + relaxedRank(x, i, j, positives, tau) / relaxedRank(x, i, j, all, tau), 0) / positives.length;
    losses.push(1 - ap);
  }
  return losses.length ? losses.reduce((s, l) => s + l, 0) / losses.length : 0;
}

function naiveRecallAtK(x: Rows, y: number[], ks: number[], tau1: number, tau2: number): number {
  const all = x.map((_, k) => k);
  const perK = ks.map((k) => {
    const losses: number[] = [];
    for (let i = 0; i < x.length; i++) {
      const positives = all.filter((j) => j !== i && y[j] === y[i]);
      if (positives.length === 0) continue;
      const recall = positives.reduce((s, j) => s + sigmoid((k - relaxedRank(x, i, j, all, tau1)) / tau2), 0) / Math.min(k, positives.length);
      losses.push(1 - recall);
    }
    return losses.length ? losses.reduce((s, l) => s + l, 0) / losses.length : 0;
  });
  return perK.reduce((s, l) => s + l, 0) / ks.length;
}

function batch(seed: number, n: number, dim: number, classes: number) {
  const rng = new Rng(seed);
  const x = Array.from({ length: n }, () => Array.from(rng.normals(dim)));
  const y = Array.from({ length: n }, () => rng.int(classes));
  return { x, y };
}

function evaluate(loss: LossFn, x: Rows, y: number[]): number {
  return tf.tidy(() => loss(tf.tensor2d(x), tf.tensor1d(y, 'int32')).dataSync()[0]!);
}

const cases: [string, LossFn, (x: Rows, y: number[]) => number][] = [
  ['contrastive (cosine)', contrastiveLoss({ margin: 0.7 }), (x, y) => naiveContrastive(x, y, 0.7, 'cosine')],
  ['contrastive (euclidean)', contrastiveLoss({ margin: 3, distance: 'euclidean' }), (x, y) => naiveContrastive(x, y, 3, 'euclidean')],
  ['triplet (cosine)', tripletLoss({ margin: 0.3 }), (x, y) => naiveTriplet(x, y, 0.3, 'cosine')],
  ['triplet (euclidean)', tripletLoss({ margin: 1, distance: 'euclidean' }), (x, y) => naiveTriplet(x, y, 1, 'euclidean')],
  ['smooth-AP', smoothApLoss(), (x, y) => naiveSmoothAp(x, y, 0.01)],
  ['smooth-AP (τ 0.1)', smoothApLoss({ temperature: 0.1 }), (x, y) => naiveSmoothAp(x, y, 0.1)],
  ['recall@k surrogate', recallAtKLoss(), (x, y) => naiveRecallAtK(x, y, [1, 2, 4, 8, 16], 0.01, 1)],
  ['recall@k surrogate (k 1,3)', recallAtKLoss({ k: [1, 3], rankTemperature: 0.05, recallTemperature: 0.5 }), (x, y) => naiveRecallAtK(x, y, [1, 3], 0.05, 0.5)],
];

describe('surrogate losses', () => {
  it.each(cases)('%s equals a naive loop', (_, loss, reference) => {
    for (const [seed, n, classes] of [[1, 8, 3], [2, 12, 4], [3, 10, 2]] as const) {
      const { x, y } = batch(seed, n, 4, classes);
      expect(evaluate(loss, x, y)).toBeCloseTo(reference(x, y), 4);
    }
  });

  it.each(cases)('%s has finite gradients on degenerate batches and does not leak tensors', (_, loss, reference) => {
    const { x } = batch(7, 6, 3, 1);
    const degenerate: [Rows, number[]][] = [
      [x, [1, 1, 1, 1, 1, 1]], // one class: no negatives
      [x, [0, 1, 2, 3, 4, 5]], // singletons: no positives
      [[[0, 0, 0], [0, 0, 0], ...x.slice(2)], [0, 0, 1, 1, 2, 2]], // zero vectors
      [[x[0]!, x[0]!, x[0]!, x[1]!, x[1]!, x[1]!], [0, 0, 1, 1, 0, 1]], // identical rows
    ];
    for (const [rows, labels] of degenerate) {
      const before = tf.memory().numTensors;
      const embeddings = tf.tensor2d(rows);
      const targets = tf.tensor1d(labels, 'int32');
      const { value, grad: grads } = tf.valueAndGrad((e: tf.Tensor) => loss(e, targets))(embeddings);
      const g = grads.dataSync();
      expect(Array.from(g).every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      if (rows === x) expect(value.dataSync()[0]!).toBeCloseTo(reference(rows, labels), 4);
      tf.dispose([value, grads, embeddings, targets]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('moves embeddings the right way: one gradient step lowers each loss', () => {
    const { x, y } = batch(4, 12, 4, 3);
    for (const [, loss] of cases) {
      const embeddings = tf.tensor2d(x);
      const targets = tf.tensor1d(y, 'int32');
      const { value, grad: grads } = tf.valueAndGrad((e: tf.Tensor) => loss(e, targets))(embeddings);
      const stepped = tf.sub(embeddings, tf.mul(grads, 1e-3));
      const after = loss(stepped, targets);
      expect(after.dataSync()[0]!).toBeLessThanOrEqual(value.dataSync()[0]! + 1e-7);
      tf.dispose([embeddings, targets, value, grads, stepped, after]);
    }
  });

  it('rejects bad options and inputs', () => {
    expect(() => contrastiveLoss({ margin: -1 })).toThrow(/'margin' passed to contrastiveLoss must be a positive finite number, got -1/);
    expect(() => tripletLoss({ distance: 'l1' as 'cosine' })).toThrow(/'distance' .* one of cosine, euclidean, got "l1"/);
    expect(() => smoothApLoss({ temperature: 0 })).toThrow(InvalidArgumentError);
    expect(() => recallAtKLoss({ k: [0] })).toThrow(/'k' passed to recallAtKLoss must be a non-empty array of positive integers/);
    const e = tf.zeros([3, 2]);
    const l = tf.zeros([2]);
    expect(() => smoothApLoss()(e, l)).toThrow(/'labels' passed to smoothApLoss must be a rank-1 tensor of 3 labels, got a tensor of shape \[2\]/);
    tf.dispose([e, l]);
  });
});
