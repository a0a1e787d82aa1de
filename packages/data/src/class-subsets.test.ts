import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Rng } from '@metricopt/core';
import { classCounts, imbalancedSubset, longTailCounts, perClassSubset } from './class-subsets.js';

// 600 samples of each of 10 classes, interleaved.
const labels = Array.from({ length: 6000 }, (_, i) => i % 10);

describe('classCounts', () => {
  it('counts samples per class, optionally within indices or for a fixed class count', () => {
    expect(classCounts([2, 0, 2, 2])).toEqual([1, 0, 3]);
    expect(classCounts([2, 0, 2, 2], { numClasses: 5 })).toEqual([1, 0, 3, 0, 0]);
    expect(classCounts([2, 0, 2, 2], { indices: [0, 1] })).toEqual([1, 0, 1]);
    expect(() => classCounts([0, 3], { numClasses: 3 })).toThrow(InvalidArgumentError);
    expect(() => classCounts([0, 1.5])).toThrow(/'labels'.*1.5 at index 1/);
  });
});

describe('longTailCounts', () => {
  it('matches ratio^(c/(C−1)) computed by hand (Fashion-MNIST-LT, ratio 0.05)', () => {
    // 6000·0.05^(c/9): 6000, 4301.23, 3083.43, 2210.42, 1584.59, 1135.94, 814.33, 583.77, 418.49, 300
    expect(longTailCounts(new Array(10).fill(6000), 0.05)).toEqual([6000, 4301, 3083, 2210, 1585, 1136, 814, 584, 418, 300]);
    // 7·0.1^(c/2): 7, 2.21, 0.7
    expect(longTailCounts([7, 7, 7], 0.1)).toEqual([7, 2, 1]);
    expect(longTailCounts([5], 0.1)).toEqual([5]);
    expect(() => longTailCounts([1, 2], 0)).toThrow(/'ratio'/);
  });
});

describe('imbalancedSubset', () => {
  it('keeps the long-tailed counts of each class, each sample once', () => {
    const subset = imbalancedSubset(labels, { ratio: 0.05, rng: new Rng(1) });
    // 600·0.05^(c/9) rounded: 600, 430.12, 308.34, 221.04, 158.46, 113.59, 81.43, 58.38, 41.85, 30
    expect(classCounts(labels, { indices: subset })).toEqual([600, 430, 308, 221, 158, 114, 81, 58, 42, 30]);
    expect(new Set(subset).size).toBe(subset.length);
  });

  it('is deterministic per seed, random across seeds, and not class-sorted', () => {
    const a = imbalancedSubset(labels, { ratio: 0.1, rng: new Rng(4) });
    expect(Array.from(imbalancedSubset(labels, { ratio: 0.1, rng: new Rng(4) }))).toEqual(Array.from(a));
    expect(Array.from(imbalancedSubset(labels, { ratio: 0.1, rng: new Rng(5) }))).not.toEqual(Array.from(a));
    const firstHundredClasses = new Set(Array.from(a.slice(0, 100), (i) => labels[i]));
    expect(firstHundredClasses.size).toBeGreaterThan(5);
  });

  it('numClasses fixes C even when the last classes are absent', () => {
    const few = Array.from({ length: 40 }, (_, i) => i % 2); // classes 0, 1 of C = 3
    const subset = imbalancedSubset(few, { ratio: 0.25, numClasses: 3, rng: new Rng(1) });
    expect(classCounts(few, { indices: subset })).toEqual([20, 10]); // 20·0.25^(1/2) = 10
  });
});

describe('perClassSubset', () => {
  it('keeps exactly perClass of each class', () => {
    const subset = perClassSubset(labels, 17, { rng: new Rng(3) });
    expect(classCounts(labels, { indices: subset })).toEqual(new Array(10).fill(17));
    const uneven = perClassSubset(labels, [1, 2, 3, 0, 0, 0, 0, 0, 0, 600], { rng: new Rng(3) });
    expect(classCounts(labels, { indices: uneven })).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 600]);
  });

  it('refuses more samples than a class has', () => {
    expect(() => perClassSubset(labels, 601, { rng: new Rng(1) })).toThrow(/'perClass'.*from 0 to 600 for class 0, got 601/);
  });
});
