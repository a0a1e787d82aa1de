import { InvalidArgumentError, Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { retrievalSplits } from './retrieval-splits.js';

// 40 classes of 8 samples; samples 0–3 of each class in group 2c, 4–7 in group 2c + 1 (two "faces" per class).
const labels = Int32Array.from({ length: 320 }, (_, i) => Math.floor(i / 8));
const groups = Int32Array.from({ length: 320 }, (_, i) => 2 * Math.floor(i / 8) + (i % 8 < 4 ? 0 : 1));

function classesOf(rows: Int32Array, of = labels): Set<number> {
  return new Set(Array.from(rows, (r) => of[r]!));
}

describe('retrievalSplits', () => {
  it('splits the classes three ways, no class in two splits, every sample used once', () => {
    const s = retrievalSplits(labels, { rng: new Rng(1) });
    // 30% of 40 = 12 test classes; 25% of the other 28 = 7 metric classes; 21 train.
    expect([s.classes.test.length, s.classes.metric.length, s.classes.train.length]).toEqual([12, 7, 21]);
    const [train, metric, test] = [classesOf(s.train), classesOf(s.metric), classesOf(s.test)];
    expect([...train].filter((c) => metric.has(c) || test.has(c))).toEqual([]);
    expect([...metric].filter((c) => test.has(c))).toEqual([]);
    expect(classesOf(s.twin)).toEqual(metric);
    expect([...train].sort((a, b) => a - b)).toEqual(s.classes.train);
    const all = [...s.train, ...s.metric, ...s.twin, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 320 }, (_, i) => i));
    // Without groups each metric class is halved: 4 + 4.
    expect([s.metric.length, s.twin.length]).toEqual([28, 28]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(retrievalSplits(labels, { rng: new Rng(3) })).toEqual(retrievalSplits(labels, { rng: new Rng(3) }));
    expect(retrievalSplits(labels, { rng: new Rng(3) }).classes.test).not.toEqual(retrievalSplits(labels, { rng: new Rng(4) }).classes.test);
  });

  it('puts whole groups on one side: the twin comes from other faces than the metric split', () => {
    const s = retrievalSplits(labels, { rng: new Rng(2), groups });
    const metricGroups = classesOf(s.metric, groups);
    const twinGroups = classesOf(s.twin, groups);
    expect([...metricGroups].filter((g) => twinGroups.has(g))).toEqual([]);
    expect(metricGroups.size).toBe(7);
    expect(twinGroups.size).toBe(7);
  });

  it("keeps a dataset's own test classes, and caps test samples per class", () => {
    const s = retrievalSplits(labels, { rng: new Rng(1), testClasses: [30, 31, 32, 33, 34, 35, 36, 37, 38, 39], testPerClass: 3 });
    expect(s.classes.test).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(s.test.length).toBe(30);
    expect(s.classes.metric.length + s.classes.train.length).toBe(30);
    expect(s.classes.metric.every((c) => c < 30)).toBe(true);
  });

  it('keeps at least two metric classes (Fashion-MNIST: 5 non-test classes → 2 metric, 3 train)', () => {
    const ten = Int32Array.from({ length: 100 }, (_, i) => i % 10);
    const s = retrievalSplits(ten, { rng: new Rng(1), testClasses: [5, 6, 7, 8, 9] });
    expect([s.classes.metric.length, s.classes.train.length]).toEqual([2, 3]);
  });

  it('rejects what cannot be split, naming the argument', () => {
    const three = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    expect(() => retrievalSplits(three, { rng: new Rng(1), testClasses: [2] })).toThrow(/testClasses/);
    expect(() => retrievalSplits(three, { rng: new Rng(1), testClasses: [1, 2] })).toThrow(/at least 3 non-test classes/);
    expect(() => retrievalSplits(labels, { rng: new Rng(1), metricFraction: 1 })).toThrow(InvalidArgumentError);
    expect(() => retrievalSplits(labels, {} as never)).toThrow(/rng/);
  });
});
