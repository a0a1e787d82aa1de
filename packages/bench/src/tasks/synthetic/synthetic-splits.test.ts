import { describe, expect, it } from 'vitest';
import { Rng } from '@metricopt/core';
import { classCounts, longTailedCounts, makeMixture, sampleMixture, DEFAULT_MIXTURE } from './gaussian-mixture.js';
import { makeSyntheticSplits } from './synthetic-splits.js';

const sizes = { head: 400, imbalance: 0.05, metricFraction: 0.15, testPerClass: 50 };

describe('Gaussian mixture and synthetic splits', () => {
  it('long-tailed counts follow ratio^(c/(C-1))', () => {
    const counts = longTailedCounts(2000, 10, 0.05);
    counts.forEach((n, c) => expect(n).toBe(Math.round(2000 * 0.05 ** (c / 9))));
    expect(counts[0]).toBe(2000);
    expect(counts[9]).toBe(100);
    expect(longTailedCounts(30, 4, 1)).toEqual([30, 30, 30, 30]);
  });

  it('the same seed gives the same splits; another seed other samples on the same geometry', () => {
    const mixture = makeMixture(DEFAULT_MIXTURE);
    const a = makeSyntheticSplits(mixture, sizes, 3);
    const b = makeSyntheticSplits(makeMixture(DEFAULT_MIXTURE), sizes, 3);
    for (const k of ['train', 'metric', 'twin', 'test'] as const) {
      expect(a[k].x).toEqual(b[k].x);
      expect(a[k].y).toEqual(b[k].y);
    }
    const c = makeSyntheticSplits(mixture, sizes, 4);
    expect(c.train.x).not.toEqual(a.train.x);
    expect(makeMixture({ ...DEFAULT_MIXTURE, geometrySeed: 1 }).centres).not.toEqual(mixture.centres);
  });

  it('has the intended class ratios: long-tailed pool, 15% metric split, twin like it, balanced test', () => {
    const { train, metric, twin, test } = makeSyntheticSplits(makeMixture(DEFAULT_MIXTURE), sizes, 1);
    const pool = longTailedCounts(400, 10, 0.05);
    const total = pool.reduce((a, b) => a + b, 0);
    const trainCounts = classCounts(train.y, 10);
    const metricCounts = classCounts(metric.y, 10);
    expect(metric.n).toBe(Math.round(0.15 * total));
    expect(train.n + metric.n).toBe(total);
    trainCounts.forEach((n, c) => expect(n + metricCounts[c]!).toBe(pool[c]));
    expect(classCounts(twin.y, 10)).toEqual(metricCounts);
    expect(twin.x).not.toEqual(metric.x);
    expect(classCounts(test.y, 10)).toEqual(new Array(10).fill(50));
    expect(train.x.length).toBe(train.n * DEFAULT_MIXTURE.dim);
  });

  it('samples scatter with unit variance around their (class, mode) centres', () => {
    const spec = { ...DEFAULT_MIXTURE, modesPerClass: 1, numClasses: 2, dim: 4 };
    const mixture = makeMixture(spec);
    const s = sampleMixture(mixture, [4000, 0], new Rng(5));
    for (let d = 0; d < 4; d++) {
      let sum = 0;
      let ss = 0;
      for (let i = 0; i < s.n; i++) sum += s.x[i * 4 + d]!;
      const mean = sum / s.n;
      for (let i = 0; i < s.n; i++) ss += (s.x[i * 4 + d]! - mean) ** 2;
      expect(mean).toBeCloseTo(mixture.centres[d]!, 1);
      expect(ss / (s.n - 1)).toBeGreaterThan(0.9);
      expect(ss / (s.n - 1)).toBeLessThan(1.1);
    }
  });

  it('rejects bad specs with the argument named', () => {
    expect(() => makeMixture({ ...DEFAULT_MIXTURE, numClasses: 1 })).toThrow(/numClasses/);
    expect(() => longTailedCounts(100, 10, 0)).toThrow(/ratio/);
    expect(() => makeSyntheticSplits(makeMixture(), { ...sizes, metricFraction: 1 }, 1)).toThrow(/metricFraction/);
  });
});
