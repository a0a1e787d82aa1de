import { Rng } from '@metricopt/core';
import { classCounts, longTailCounts } from '@metricopt/data';
import { describe, expect, it } from 'vitest';
import { channelStats } from './channel-stats.js';
import { classificationSplits } from './class-splits.js';

const labels = Int32Array.from({ length: 6000 }, (_, i) => i % 10);
const disjoint = (...sets: Int32Array[]) => new Set(sets.flatMap((s) => Array.from(s))).size === sets.reduce((a, s) => a + s.length, 0);

describe('classificationSplits', () => {
  it('keeps the long tail in train + metric, draws a twin with the metric counts, all disjoint', () => {
    const s = classificationSplits(labels, { imbalance: 0.05, rng: new Rng(1) });
    expect(disjoint(s.train, s.metric, s.twin)).toBe(true);
    const target = longTailCounts(new Array(10).fill(600), 0.05);
    const twin = classCounts(labels, { indices: s.twin, numClasses: 10 });
    expect(twin).toEqual(target.map((k) => Math.round(0.15 * k)));
    const kept = classCounts(labels, { indices: Int32Array.from([...s.train, ...s.metric]), numClasses: 10 });
    // The head class, kept whole, gives its twin's share; every other class keeps its long-tail count.
    expect(kept).toEqual(target.map((k, c) => (c === 0 ? 600 - twin[0]! : k)));
    const metric = classCounts(labels, { indices: s.metric, numClasses: 10 });
    metric.forEach((m, c) => expect(Math.abs(m - 0.15 * kept[c]!)).toBeLessThanOrEqual(2));
  });

  it('draws a balanced subset with perClass, and is reproducible from the seed', () => {
    const a = classificationSplits(labels, { perClass: 200, rng: new Rng(3) });
    const b = classificationSplits(labels, { perClass: 200, rng: new Rng(3) });
    expect(a).toEqual(b);
    expect(classCounts(labels, { indices: Int32Array.from([...a.train, ...a.metric]) })).toEqual(new Array(10).fill(200));
    expect(classCounts(labels, { indices: a.twin })).toEqual(new Array(10).fill(30));
    expect(classificationSplits(labels, { perClass: 200, rng: new Rng(4) }).train).not.toEqual(a.train);
    expect(() => classificationSplits(labels, { rng: new Rng(1), metricFraction: 0.7 })).toThrow(/metricFraction/);
  });
});

describe('channelStats', () => {
  it('matches a naive per-channel mean and std over the chosen rows', () => {
    const images = Uint8Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => (i * 37) % 256);
    const set = { images, shape: [3, 2, 2, 2], labels: Int32Array.from([0, 1, 0]) };
    const rows = [0, 2];
    const { mean, std } = channelStats(set, rows);
    for (const c of [0, 1]) {
      const values = rows.flatMap((r) => [0, 1, 2, 3].map((p) => images[r * 8 + p * 2 + c]! / 255));
      const m = values.reduce((a, b) => a + b, 0) / values.length;
      expect(mean[c]).toBeCloseTo(m, 10);
      expect(std[c]).toBeCloseTo(Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length), 10);
    }
  });
});
