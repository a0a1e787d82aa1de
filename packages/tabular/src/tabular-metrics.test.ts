import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { aucprMetric, f1Metric, positiveAveragePrecision, positiveF1 } from './tabular-metrics.js';

// Naive references: AP as the mean of precision@k over the positives' ranks (no ties); F1 from counts.
function naiveAp(scores: number[], labels: number[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  let tp = 0;
  let sum = 0;
  order.forEach((i, k) => {
    if (labels[i] === 1) sum += ++tp / (k + 1);
  });
  return tp === 0 ? 0 : sum / tp;
}

const logits = (margins: number[]) => tf.tensor2d(margins.map((m, i) => [i % 3, (i % 3) + m]));

describe('tabular metrics', () => {
  it('AUCPR is the average precision of logit₁ − logit₀ (the softmax order), matching a naive reference', () => {
    const cases = [
      [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]],
      [[2, -1, 0.5, 0.3, -2, 1.5, 0.9], [1, 0, 0, 1, 0, 0, 1]],
      [[-0.2, 0.7, 0.1], [0, 0, 0]],
    ] as const;
    for (const [margins, labels] of cases) {
      const l = logits([...margins]);
      const y = tf.tensor1d([...labels], 'int32');
      expect(positiveAveragePrecision(l, y)).toBeCloseTo(naiveAp([...margins], [...labels]), 6);
      tf.dispose([l, y]);
    }
    const l = logits([0.1, 0.4, 0.35, 0.8]);
    const y = tf.tensor1d([0, 0, 1, 1], 'int32');
    expect(positiveAveragePrecision(l, y)).toBeCloseTo((1 / 2) * (1 / 1) + (1 / 2) * (2 / 3), 6);
    expect([aucprMetric.name, aucprMetric.higherIsBetter, f1Metric.name]).toEqual(['aucpr', true, 'f1']);
    tf.dispose([l, y]);
  });

  it('F1 counts the positive class at the arg-max decision', () => {
    const l = logits([1, -1, 1, 2, -0.5]);
    const y = tf.tensor1d([1, 1, 0, 1, 0], 'int32');
    // Predicted positive: rows 0, 2, 3 → TP 2, FP 1, FN 1.
    expect(positiveF1(l, y)).toBeCloseTo((2 * 2) / (2 * 2 + 1 + 1), 10);
    const none = tf.tensor1d([0, 0, 0, 0, 0], 'int32');
    const negative = logits([-1, -1, -1, -1, -1]);
    expect(positiveF1(negative, none)).toBe(0);
    tf.dispose([l, y, none, negative]);
  });

  it('rejects logits that are not two-class and labels that are not 0/1, naming the argument', () => {
    const three = tf.zeros([2, 3]);
    const two = tf.zeros([2, 2]);
    const bad = tf.tensor1d([0, 2], 'int32');
    expect(() => positiveAveragePrecision(three, bad)).toThrow(/'logits' passed to positiveAveragePrecision must be two-class logits/);
    expect(() => positiveF1(two, bad)).toThrow(/'labels' passed to positiveF1 must be labels 0 or 1, got 2 at index 1/);
    tf.dispose([three, two, bad]);
  });
});
