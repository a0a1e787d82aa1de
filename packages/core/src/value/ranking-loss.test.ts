import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { orderedPairs, rankingBatch, rankingLossSum, rmsOrOne } from './ranking-loss.js';

const round = (deltas: number[][], scores: number[]) => ({ deltas: deltas.map((d) => Float32Array.from(d)), scores });

describe('ranking loss helpers', () => {
  it('counts ordered pairs and the input RMS', () => {
    expect(orderedPairs([3, 1, 2])).toBe(3);
    expect(orderedPairs([1, 1])).toBe(0);
    expect(rmsOrOne([round([[3, 4]], [0])])).toBeCloseTo(Math.sqrt(12.5), 12);
    expect(rmsOrOne([round([[0, 0]], [0])])).toBe(1);
    expect(rmsOrOne([])).toBe(1);
  });

  it('pads rounds to the width, scales points and masks score_i > score_j', () => {
    const { x, mask, pairs } = rankingBatch([round([[2], [4]], [1, 0]), round([[6]], [5])], 2, 1, 2);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 0]);
    expect(Array.from(mask.dataSync())).toEqual([0, 1, 0, 0, 0, 0, 0, 0]);
    expect(pairs).toBe(1);
    tf.dispose([x, mask]);
  });

  it('sums softplus(−(v_i − v_j)) over the masked pairs', () => {
    const v = tf.tensor1d([0.5, -1, 2, 0]);
    const mask = tf.tensor3d([0, 1, 0, 0, 0, 0, 1, 0], [2, 2, 2]);
    const softplus = (z: number) => Math.log1p(Math.exp(z));
    const expected = softplus(-(0.5 - -1)) + softplus(-(0 - 2));
    expect(rankingLossSum(v, mask).dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([v, mask]);
  });
});
