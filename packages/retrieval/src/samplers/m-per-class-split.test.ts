import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { contrastiveLoss } from '../losses/contrastive-loss.js';
import { smoothApLoss } from '../losses/smooth-ap-loss.js';
import { groupedLoss, mPerClassSplit } from './m-per-class-split.js';

describe('mPerClassSplit', () => {
  it('regroups a split into rows of M samples of one class, each grouping a shuffle of every class', () => {
    const tensors = tf.memory().numTensors;
    // Class c has 5 + c samples (c = 0..3); class 4 has 2 (< M: topped up with repeats).
    const labels = [...[0, 1, 2, 3].flatMap((c) => new Array<number>(5 + c).fill(c)), 4, 4];
    const x = tf.tensor2d(labels.map((y, i) => [i, y]), [labels.length, 2]);
    const y = tf.tensor1d(labels, 'int32');
    const grouped = mPerClassSplit({ x, y }, { samplesPerClass: 3, groupings: 2, rng: new Rng(1) });
    // Per grouping: ⌊5/3⌋ + ⌊6/3⌋ + ⌊7/3⌋ + ⌊8/3⌋ + 1 = 1 + 2 + 2 + 2 + 1 = 8 groups.
    expect(grouped.x.shape).toEqual([16, 3, 2]);
    expect(grouped.y.shape).toEqual([16, 3]);
    const gx = grouped.x.arraySync() as number[][][];
    const gy = grouped.y.arraySync() as number[][];
    gy.forEach((row, g) => {
      expect(new Set(row).size).toBe(1);
      // Features travel with their labels.
      gx[g]!.forEach((sample, k) => expect(sample[1]).toBe(row[k]));
      if (row[0] !== 4) expect(new Set(gx[g]!.map((s) => s[0])).size).toBe(3);
    });
    tf.dispose([x, y, grouped.x, grouped.y]);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('rejects M < 2 and labels that are not one per row', () => {
    const x = tf.zeros([4, 2]);
    const y = tf.tensor1d([0, 0, 1, 1], 'int32');
    expect(() => mPerClassSplit({ x, y }, { samplesPerClass: 1, rng: new Rng(1) })).toThrow(/samplesPerClass/);
    expect(() => mPerClassSplit({ x, y: tf.zeros([4, 2]) }, { rng: new Rng(1) })).toThrow(/split/);
    tf.dispose([x, y]);
  });
});

describe('groupedLoss', () => {
  it('equals the loss on the flattened batch, gradients included, and passes plain batches through', () => {
    const tensors = tf.memory().numTensors;
    const rng = new Rng(2);
    const e = tf.tensor3d(rng.normals(4 * 3 * 5), [4, 3, 5]);
    const y = tf.tensor2d([0, 0, 0, 1, 1, 1, 2, 2, 2, 0, 0, 0], [4, 3], 'int32');
    for (const base of [contrastiveLoss(), smoothApLoss()]) {
      const loss = groupedLoss(base);
      const flat = tf.tidy(() => base(tf.reshape(e, [12, 5]), tf.reshape(y, [12])).dataSync()[0]!);
      expect(tf.tidy(() => loss(e, y).dataSync()[0]!)).toBeCloseTo(flat, 6);
      const g1 = tf.tidy(() => tf.reshape(tf.grad((t: tf.Tensor) => loss(t, y))(e), [12, 5]).arraySync());
      const g2 = tf.tidy(() => tf.grad((t: tf.Tensor) => base(t, tf.reshape(y, [12])))(tf.reshape(e, [12, 5])).arraySync());
      expect(g1).toEqual(g2);
      const plain = tf.tidy(() => loss(tf.reshape(e, [12, 5]), tf.reshape(y, [12])).dataSync()[0]!);
      expect(plain).toBe(flat);
    }
    tf.dispose([e, y]);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
