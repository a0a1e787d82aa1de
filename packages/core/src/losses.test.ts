import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { inverseFrequencyWeights, softmaxCrossEntropy, weightedCrossEntropy } from './losses.js';

const logits = [[2, 0.5, -1], [0.1, 0.2, 0.3], [-2, 1, 0]];
const labels = [0, 2, 1];

function naiveCe(row: number[], label: number): number {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - row[label]!;
}

describe('losses', () => {
  it('softmaxCrossEntropy equals a naive mean of -log softmax, for labels and one-hot', () => {
    const expected = logits.reduce((s, r, i) => s + naiveCe(r, labels[i]!), 0) / 3;
    const l1 = softmaxCrossEntropy(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'));
    const l2 = softmaxCrossEntropy(tf.tensor2d(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), 3));
    expect(l1.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(l2.dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('weightedCrossEntropy is sum(w_y * ce) / sum(w_y)', () => {
    const w = [0.5, 2, 1];
    const num = logits.reduce((s, r, i) => s + w[labels[i]!]! * naiveCe(r, labels[i]!), 0);
    const den = labels.reduce((s, l) => s + w[l]!, 0);
    const l = weightedCrossEntropy(w)(tf.tensor2d(logits), tf.tensor1d(labels, 'int32'));
    expect(l.dataSync()[0]).toBeCloseTo(num / den, 5);
  });

  it('inverseFrequencyWeights gives N/(C n_c)', () => {
    expect(inverseFrequencyWeights([0, 0, 0, 1], 3)).toEqual([4 / 9, 4 / 3, 0]);
    expect(() => inverseFrequencyWeights([0, 5], 3)).toThrow(/labels.*integers in \[0, 3\).*5 at index 1/);
  });

  it('rejects targets of the wrong shape', () => {
    expect(() => softmaxCrossEntropy(tf.tensor2d(logits), tf.zeros([3, 4]))).toThrow(/'targets' passed to softmaxCrossEntropy/);
  });
});
