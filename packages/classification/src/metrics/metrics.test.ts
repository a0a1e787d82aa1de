import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, Rng, callMetric } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { averagePrecision, aucpr } from './average-precision.js';
import { balancedError, perClassRecall, worstClassError, worstClassRecall } from './class-recall.js';
import { CLASSIFICATION_METRICS, classificationMetric } from './classification-metrics.js';
import { errorRate } from './error-rate.js';
import { macroF1 } from './macro-f1.js';
import { topKError } from './top-k-error.js';

// Naive references, written from the definitions.
const rows = (logits: number[], classes: number) => Array.from({ length: logits.length / classes }, (_, i) => logits.slice(i * classes, (i + 1) * classes));
const argmax = (row: number[]) => row.indexOf(Math.max(...row));
const naiveRecalls = (logits: number[], labels: number[], classes: number) =>
  Array.from({ length: classes }, (_, c) => {
    const mine = labels.map((y, i) => [y, i] as const).filter(([y]) => y === c);
    if (mine.length === 0) return Number.NaN;
    return mine.filter(([, i]) => argmax(rows(logits, classes)[i]!) === c).length / mine.length;
  });
const naiveTopK = (logits: number[], labels: number[], classes: number, k: number) => {
  const wrong = rows(logits, classes).filter((row, i) => {
    const kth = [...row].sort((a, b) => b - a)[Math.min(k, classes) - 1]!;
    return row[labels[i]!]! < kth;
  }).length;
  return wrong / labels.length;
};
const naiveMacroF1 = (logits: number[], labels: number[], classes: number) => {
  const pred = rows(logits, classes).map(argmax);
  const f1s: number[] = [];
  for (let c = 0; c < classes; c++) {
    if (!labels.includes(c) && !pred.includes(c)) continue;
    const tp = pred.filter((p, i) => p === c && labels[i] === c).length;
    const precision = pred.filter((p) => p === c).length ? tp / pred.filter((p) => p === c).length : 0;
    const recall = labels.filter((y) => y === c).length ? tp / labels.filter((y) => y === c).length : 0;
    f1s.push(precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
  }
  return f1s.reduce((a, b) => a + b, 0) / f1s.length;
};
// AP over distinct thresholds, counting directly for each threshold (O(n²)).
const naiveAp = (scores: number[], pos: number[]) => {
  const total = pos.filter(Boolean).length;
  if (total === 0) return 0;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  let ap = 0;
  let prevRecall = 0;
  for (const t of thresholds) {
    const tp = scores.filter((s, i) => s >= t && pos[i]).length;
    const all = scores.filter((s) => s >= t).length;
    ap += (tp / total - prevRecall) * (tp / all);
    prevRecall = tp / total;
  }
  return ap;
};
const softmax = (row: number[]) => {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
};

/** A random case; `quantise` makes ties frequent, `absent` classes never occur in the labels. */
function randomCase(seed: number, n: number, classes: number, quantise: boolean, absent: number[] = []) {
  const rng = new Rng(seed);
  const logits = Array.from({ length: n * classes }, () => (quantise ? Math.round(rng.normal()) : rng.normal()));
  const allowed = Array.from({ length: classes }, (_, c) => c).filter((c) => !absent.includes(c));
  const labels = Array.from({ length: n }, () => allowed[rng.int(allowed.length)]!);
  return { logits, labels, classes };
}

const cases = [
  ['continuous', randomCase(1, 40, 4, false)],
  ['many ties', randomCase(2, 60, 5, true)],
  ['absent classes', randomCase(3, 50, 6, true, [1, 4])],
  ['two classes', randomCase(4, 30, 2, false)],
  ['one sample', randomCase(5, 1, 3, false)],
] as const;

describe.each(cases)('classification metrics vs naive references (%s)', (_, { logits, labels, classes }) => {
  const f32 = Float32Array.from(logits);
  const values = Array.from(f32);
  it('error rate, top-k error', () => {
    const naiveErr = labels.filter((y, i) => argmax(rows(values, classes)[i]!) !== y).length / labels.length;
    expect(errorRate(f32, labels)).toBeCloseTo(naiveErr, 12);
    for (const k of [1, 2, 5]) expect(topKError(f32, labels, k)).toBeCloseTo(naiveTopK(values, labels, classes, k), 12);
  });
  it('per-class recall, balanced error, worst class', () => {
    const r = naiveRecalls(values, labels, classes);
    expect(perClassRecall(f32, labels)).toEqual(r);
    const present = r.filter((v) => !Number.isNaN(v));
    expect(balancedError(f32, labels)).toBeCloseTo(1 - present.reduce((a, b) => a + b, 0) / present.length, 12);
    expect(worstClassRecall(f32, labels)).toBeCloseTo(Math.min(...present), 12);
    expect(worstClassError(f32, labels)).toBeCloseTo(1 - Math.min(...present), 12);
  });
  it('macro F1', () => {
    expect(macroF1(f32, labels)).toBeCloseTo(naiveMacroF1(values, labels, classes), 12);
  });
  it('AUCPR: one-vs-rest AP on softmax scores, over the classes present', () => {
    const probs = rows(values, classes).map(softmax);
    const aps = Array.from({ length: classes }, (_, c) => c)
      .filter((c) => labels.includes(c))
      .map((c) => naiveAp(probs.map((p) => p[c]!), labels.map((y) => (y === c ? 1 : 0))));
    expect(aucpr(f32, labels)).toBeCloseTo(aps.reduce((a, b) => a + b, 0) / aps.length, 10);
    const rawAps = Array.from({ length: classes }, (_, c) => c)
      .filter((c) => labels.includes(c))
      .map((c) => naiveAp(rows(values, classes).map((row) => row[c]!), labels.map((y) => (y === c ? 1 : 0))));
    expect(aucpr(f32, labels, { scores: 'raw' })).toBeCloseTo(rawAps.reduce((a, b) => a + b, 0) / rawAps.length, 10);
  });
  it('gives the same values for tensors (int labels or one-hot) as for host arrays, and leaks nothing', () => {
    const x = tf.tensor2d(f32, [labels.length, classes]);
    const y = tf.tensor1d(labels, 'int32');
    const oneHot = tf.oneHot(y, classes);
    const before = tf.memory().numTensors;
    for (const [name, metric] of Object.entries(CLASSIFICATION_METRICS)) {
      const host = metric.evaluate(f32 as never, labels as never) as number;
      expect(metric.evaluate(x, y), name).toBe(host);
      expect(metric.evaluate(x, oneHot), name).toBe(host);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, oneHot]);
  });
});

describe('averagePrecision', () => {
  it.each([
    // scikit-learn's documented example, and tie cases computed by hand.
    [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 5 / 6],
    [[0.5, 0.5, 0.5, 0.1], [1, 0, 1, 0], 2 / 3],
    [[0.5, 0.5, 0.5, 0.5], [1, 1, 0, 0], 0.5],
    [[0.9, 0.5, 0.5, 0.1], [0, 1, 0, 1], 0.25 * (1 / 3) / 0.5 + 0.5 * 0.5],
    [[0.3, 0.2], [0, 0], 0],
    [[0.3, 0.2], [true, false], 1],
  ])('AP(%j, %j) = %d', (scores, pos, expected) => {
    expect(averagePrecision(scores, pos)).toBeCloseTo(expected, 12);
  });

  it('does not depend on the order of tied samples', () => {
    const { logits } = randomCase(9, 200, 1, true);
    const pos = logits.map((_, i) => (i % 3 === 0 ? 1 : 0));
    const ap = averagePrecision(logits, pos);
    expect(ap).toBeCloseTo(naiveAp(logits, pos), 12);
    const rev = [...logits].reverse();
    expect(averagePrecision(rev, [...pos].reverse())).toBeCloseTo(ap, 12);
  });

  it('rejects mismatched or non-finite input', () => {
    expect(() => averagePrecision([1, 2], [1])).toThrow(/one flag per score/);
    expect(() => averagePrecision([1, Number.NaN], [1, 0])).toThrow(/finite numbers, got NaN at index 1/);
  });
});

describe('hand-computed values and input checks', () => {
  // Rows predict 0, 1, 1, 2; labels 0, 0, 1, 1 (class 2 absent).
  const logits = Float32Array.from([3, 1, 0, 0, 2, 1, 0, 5, 1, 0, 0, 9]);
  const labels = [0, 0, 1, 1];
  it('on a 4-sample example', () => {
    expect(errorRate(logits, labels)).toBe(0.5);
    expect(perClassRecall(logits, labels)).toEqual([0.5, 0.5, Number.NaN]);
    expect(balancedError(logits, labels)).toBe(0.5);
    expect(worstClassRecall(logits, labels)).toBe(0.5);
    // F1: class 0 = 2·1/(2+1) , class 1 = 2·1/(2+2), class 2 (predicted, absent) = 0.
    expect(macroF1(logits, labels)).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 12);
    expect(topKError(logits, labels, 2)).toBe(0.25);
    expect(topKError(logits, labels, 3)).toBe(0);
  });

  it('rejects bad inputs naming the function and argument', () => {
    expect(() => errorRate(logits, [0, 0, 1, 1, 0])).toThrow(/'logits' passed to errorRate must be N·C values for N = 5 labels/);
    expect(() => errorRate(logits, [0, 0, 1, 3])).toThrow(/'labels' passed to errorRate must be integers in \[0, 3\), got 3 at index 3/);
    expect(() => balancedError(logits, [0, 0.5, 1, 1])).toThrow(InvalidArgumentError);
    expect(() => macroF1(logits, [])).toThrow(/at least one label/);
    expect(() => topKError(logits, labels, 0)).toThrow(/'k' passed to topKError/);
    const x = tf.zeros([3, 2]);
    expect(() => errorRate(x, [0, 1])).toThrow(/a tensor \[2, C\]/);
    x.dispose();
  });

  it('are registered by CLI name with their direction, and unknown names list the known ones', async () => {
    expect(Object.entries(CLASSIFICATION_METRICS).map(([k, m]) => [k, m.name, m.higherIsBetter])).toEqual([
      ['error-rate', 'error-rate', false],
      ['top5-error', 'top5-error', false],
      ['balanced-error', 'balanced-error', false],
      ['worst-class-recall', 'worst-class-recall', true],
      ['worst-class-error', 'worst-class-error', false],
      ['macro-f1', 'macro-f1', true],
      ['aucpr', 'aucpr', true],
    ]);
    expect(() => classificationMetric('accuracy')).toThrow(/one of error-rate, top5-error, .*aucpr, got "accuracy"/);
    const x = tf.tensor2d(logits, [4, 3]);
    const y = tf.tensor1d(labels, 'int32');
    expect(await callMetric(classificationMetric('balanced-error'), x, y, 0)).toBe(0.5);
    tf.dispose([x, y]);
  });
});
