import { describe, expect, it } from 'vitest';
import { standardize, stratifiedSplits, takeRows } from './tabular-splits.js';
import type { TabularData } from './tabular-data.js';

function dataset(n: number, positives: number): TabularData {
  const dim = 2;
  const x = Float32Array.from({ length: n * dim }, (_, j) => (j % dim === 0 ? Math.floor(j / dim) : 5));
  const y = Int32Array.from({ length: n }, (_, i) => (i < positives ? 1 : 0));
  return { x, y, n, dim, featureNames: ['row', 'constant'], source: 'rows' };
}

describe('tabular splits', () => {
  it('partitions every row once, per class, reproducibly by seed', () => {
    const d = dataset(200, 40);
    const s = stratifiedSplits(d, { metric: 0.15, twin: 0.15, test: 0.25 }, 1);
    const rows = [s.train, s.metric, s.twin, s.test].flatMap((p) => Array.from({ length: p.n }, (_, i) => p.x[i * 2]!));
    expect(rows.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const pos = (p: TabularData) => p.y.reduce((a, b) => a + b, 0);
    // Per class: test round(0.25·n_c), metric and twin round(0.15·n_c).
    expect([s.test.n, pos(s.test), s.metric.n, pos(s.metric), s.twin.n, pos(s.twin)]).toEqual([50, 10, 30, 6, 30, 6]);
    expect(stratifiedSplits(d, { metric: 0.15, twin: 0.15, test: 0.25 }, 1)).toEqual(s);
    expect(stratifiedSplits(d, { metric: 0.15, twin: 0.15, test: 0.25 }, 2).test.x).not.toEqual(s.test.x);
    expect(s.test.source).toBe('rows [test]');
  });

  it('rejects fractions that leave no training rows or splits without a class', () => {
    expect(() => stratifiedSplits(dataset(100, 20), { metric: 0.3, twin: 0.3, test: 0.4 }, 1)).toThrow(/fractions/);
    expect(() => stratifiedSplits(dataset(100, 2), { metric: 0.1, twin: 0.1, test: 0.2 }, 1)).toThrow(/both classes/);
  });

  it('standardises with the training mean and std only (a constant column is centred)', () => {
    const d = dataset(10, 5);
    const train = takeRows(d, [0, 1, 2, 3]);
    const test = takeRows(d, [9]);
    const s = standardize({ train, metric: test, twin: test, test });
    // Train rows 0..3: mean 1.5, population std √1.25.
    const std = Math.sqrt(1.25);
    expect(Array.from(s.train.x).filter((_, j) => j % 2 === 0)).toEqual([0, 1, 2, 3].map((v) => Math.fround((v - 1.5) / std)));
    expect(Array.from(s.test.x)).toEqual([Math.fround((9 - 1.5) / std), 0]);
  });
});
