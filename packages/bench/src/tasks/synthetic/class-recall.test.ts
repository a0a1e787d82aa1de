import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, callMetric } from '@metricopt/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { balancedError, balancedErrorMetric, perClassRecall, worstClassError, worstClassErrorMetric } from './class-recall.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Naive references: loop over classes, then over samples. */
function naiveRecalls(pred: number[], y: number[], classes: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    let n = 0;
    let hit = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== c) continue;
      n++;
      if (pred[i] === c) hit++;
    }
    if (n > 0) out.push(hit / n);
  }
  return out;
}

function randomCase(seed: number, n: number, classes: number, skip: number | null) {
  const rng = new Rng(seed);
  const y = Array.from({ length: n }, () => {
    let c = rng.int(classes);
    while (c === skip) c = rng.int(classes);
    return c;
  });
  const pred = y.map((c) => (rng.next() < 0.6 ? c : rng.int(classes)));
  return { y, pred };
}

describe('class-recall metrics', () => {
  it.each([
    [1, 50, 3, null],
    [2, 200, 10, null],
    [3, 120, 5, 2],
    [4, 7, 4, 0],
  ])('match naive loops (seed %i, n %i, %i classes, class %s absent)', (seed, n, classes, skip) => {
    const { y, pred } = randomCase(seed, n, classes, skip);
    const ref = naiveRecalls(pred, y, classes);
    expect(balancedError(pred, y, classes)).toBeCloseTo(1 - ref.reduce((a, b) => a + b, 0) / ref.length, 12);
    expect(worstClassError(pred, y, classes)).toBeCloseTo(1 - Math.min(...ref), 12);
    const recalls = perClassRecall(pred, y, classes);
    if (skip !== null) expect(Number.isNaN(recalls[skip]!)).toBe(true);
  });

  it('gives 0 for perfect predictions and ignores class frequency', () => {
    expect(balancedError([0, 0, 0, 1], [0, 0, 0, 1], 2)).toBe(0);
    // class 0: 3/3, class 1: 0/1 → balanced error 0.5 while the error rate is 0.25
    expect(balancedError([0, 0, 0, 0], [0, 0, 0, 1], 2)).toBe(0.5);
    expect(worstClassError([0, 0, 0, 0], [0, 0, 0, 1], 2)).toBe(1);
  });

  it('rejects bad labels and mismatched lengths', () => {
    expect(() => perClassRecall([0], [0, 1], 2)).toThrow(/predictions/);
    expect(() => perClassRecall([0], [3], 2)).toThrow(/labels\[0\]/);
    expect(() => balancedError([], [], 2)).toThrow(/at least one sample/);
  });

  it('the Metric objects read argmax of logits and leak no tensors', async () => {
    const { y, pred } = randomCase(7, 64, 6, null);
    const rng = new Rng(9);
    const logits = tf.tidy(() => {
      const rows = pred.map((p) => Array.from({ length: 6 }, (_, c) => (c === p ? 5 : 0) + rng.next()));
      return tf.tensor2d(rows);
    });
    const labels = tf.tensor1d(y, 'int32');
    const before = tf.memory().numTensors;
    const ref = naiveRecalls(pred, y, 6);
    expect(await callMetric(balancedErrorMetric, logits, labels, 0)).toBeCloseTo(1 - ref.reduce((a, b) => a + b, 0) / ref.length, 12);
    expect(await callMetric(worstClassErrorMetric, logits, labels, 0)).toBeCloseTo(1 - Math.min(...ref), 12);
    expect(tf.memory().numTensors).toBe(before);
    expect(balancedErrorMetric.higherIsBetter).toBe(false);
    tf.dispose([logits, labels]);
  });
});
