import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Rng } from '@metricopt/core';
import { centerNetFocalLoss, centerNetFocalLossPerClass } from './focal-loss.js';
import { centerNetLoss, centerNetLossParts, centerNetLossTerms } from './center-net-loss.js';

/** The penalty-reduced focal loss written as a plain loop over cells. */
function naiveFocal(logits: number[], heat: number[], alpha = 2, beta = 4): number {
  let pos = 0;
  let sum = 0;
  logits.forEach((z, i) => {
    const p = Math.min(1 - 1e-4, Math.max(1e-4, 1 / (1 + Math.exp(-z))));
    const y = heat[i]!;
    if (y === 1) {
      pos++;
      sum += (1 - p) ** alpha * Math.log(p);
    } else {
      sum += (1 - y) ** beta * p ** alpha * Math.log(1 - p);
    }
  });
  return -sum / Math.max(1, pos);
}

describe('centerNetFocalLoss', () => {
  it.each([
    ['with centres', 3],
    ['without centres', 0],
  ])('matches a naive loop (%s)', (_, centres) => {
    const rng = new Rng(4);
    const n = 2 * 5 * 5 * 3;
    const logits = Array.from({ length: n }, () => 3 * rng.normal());
    const heat = Array.from({ length: n }, () => (rng.next() < 0.3 ? rng.next() : 0));
    for (let k = 0; k < centres; k++) heat[rng.int(n)] = 1;
    const before = tf.memory().numTensors;
    const loss = centerNetFocalLoss(tf.tensor4d(logits, [2, 5, 5, 3]), tf.tensor4d(heat, [2, 5, 5, 3]));
    const expected = naiveFocal(logits, heat);
    // float32 sums of ~150 terms: relative agreement.
    expect(Math.abs(loss.dataSync()[0]! - expected) / expected).toBeLessThan(1e-5);
    loss.dispose();
    // The two input tensors created inline are the only ones left.
    expect(tf.memory().numTensors).toBe(before + 2);
  });

  it('adds L1 size and offset losses at the centre cells, weighted', () => {
    // One image, 2x2 grid, 1 class: a centre at cell (0, 1).
    const outputs = tf.tensor4d([0, 1, 2, 0.5, 0.5, /**/ 0, 4, 2, 0.25, 0.75, /**/ 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0], [1, 2, 2, 5]);
    const targets = tf.tensor4d([0.5, 0, 0, 0, 0, 0, /**/ 1, 3, 4, 0.5, 0.5, 1, /**/ 0, 0, 0, 0, 0, 0, /**/ 0, 0, 0, 0, 0, 0], [1, 2, 2, 6]);
    const parts = centerNetLossParts(outputs, targets, { numClasses: 1, sizeWeight: 0.1, offsetWeight: 1 });
    // |4-3| + |2-4| = 3 over 2 coordinates; |0.25-0.5| + |0.75-0.5| = 0.5 over 2.
    expect(parts.size.dataSync()[0]).toBeCloseTo(1.5, 3);
    expect(parts.offset.dataSync()[0]).toBeCloseTo(0.25, 3);
    const heatLogits = [0, 0, 0, 0];
    const focal = naiveFocal(heatLogits, [0.5, 1, 0, 0]);
    expect(parts.focal.dataSync()[0]).toBeCloseTo(focal, 4);
    expect(parts.total.dataSync()[0]).toBeCloseTo(focal + 0.15 + 0.25, 4);
    tf.dispose([outputs, targets, parts.focal, parts.size, parts.offset, parts.total]);
  });

  it('splits by class: each share is the naive loop on that class over the centres of all classes', () => {
    const rng = new Rng(9);
    const [n, h, w, C] = [2, 4, 4, 3];
    const size = n * h * w * C;
    const logits = Array.from({ length: size }, () => 2 * rng.normal());
    const heat = Array.from({ length: size }, () => (rng.next() < 0.3 ? rng.next() : 0));
    for (let k = 0; k < 4; k++) heat[rng.int(size)] = 1;
    const centres = heat.filter((y) => y === 1).length;
    const shares = centerNetFocalLossPerClass(tf.tensor4d(logits, [n, h, w, C]), tf.tensor4d(heat, [n, h, w, C]));
    const got = shares.dataSync();
    for (let c = 0; c < C; c++) {
      const pick = <T>(a: T[]) => a.filter((_, i) => i % C === c);
      const classCentres = pick(heat).filter((y) => y === 1).length;
      // naiveFocal divides by the class's own centres: rescale to all classes' centres.
      const expected = (naiveFocal(pick(logits), pick(heat)) * Math.max(1, classCentres)) / Math.max(1, centres);
      expect(got[c]).toBeCloseTo(expected, 4);
    }
    // Class weights multiply each class's share; the total is their weighted sum.
    const weights = [2, 0, 0.5];
    const L = tf.tensor4d(logits, [n, h, w, C]);
    const H = tf.tensor4d(heat, [n, h, w, C]);
    const weighted = centerNetFocalLossPerClass(L, H, { classWeights: weights });
    weighted.dataSync().forEach((v, c) => expect(v).toBeCloseTo(got[c]! * weights[c]!, 4));
    const total = centerNetFocalLoss(L, H, { classWeights: weights });
    expect(total.dataSync()[0]).toBeCloseTo(weights.reduce((a, wc, c) => a + wc * got[c]!, 0), 4);
    expect(() => centerNetFocalLossPerClass(L, H, { classWeights: [1, 1] })).toThrow(/options\.classWeights.*3 finite weights/);
    expect(() => centerNetFocalLossPerClass(L, H, { classWeights: [1, -1, 1] })).toThrow(/classWeights/);
    tf.dispose([shares, weighted, total, L, H]);
  });

  it('centerNetLossTerms sum to centerNetLoss (per class, and focal/size/offset)', () => {
    const rng = new Rng(3);
    const C = 2;
    const outputs = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * (C + 4) }, () => rng.normal()), [2, 3, 3, C + 4]);
    const t = Array.from({ length: 2 * 3 * 3 * (C + 5) }, (_, i) => (i % (C + 5) < C ? (rng.next() < 0.2 ? 1 : 0.3 * rng.next()) : i % (C + 5) === C + 4 ? (rng.next() < 0.4 ? 1 : 0) : 2 * rng.next()));
    const targets = tf.tensor4d(t, [2, 3, 3, C + 5]);
    const total = centerNetLoss({ numClasses: C })(outputs, targets).dataSync()[0]!;
    const before = tf.memory().numTensors;
    for (const [split, count] of [['per-class', C + 2], ['parts', 3]] as const) {
      const terms = centerNetLossTerms({ numClasses: C, split })(outputs, targets);
      expect(terms).toHaveLength(count);
      expect(terms.reduce((a, x) => a + x.dataSync()[0]!, 0)).toBeCloseTo(total, 4);
      tf.dispose(terms);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => centerNetLossTerms({ numClasses: 0 })).toThrow(/numClasses/);
    tf.dispose([outputs, targets]);
  });

  it('rejects outputs and targets of the wrong shape', () => {
    const outputs = tf.zeros([1, 2, 2, 5]);
    expect(() => centerNetLossParts(outputs, tf.zeros([1, 2, 2, 5]), { numClasses: 1 })).toThrow(/targets/);
    expect(() => centerNetLossParts(outputs, tf.zeros([1, 2, 2, 6]), { numClasses: 2 })).toThrow(/outputs/);
    tf.dispose(outputs);
  });
});
