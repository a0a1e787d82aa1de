import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, Rng } from '@metricopt/core';
import { classDisjointSplit, splitIndices } from './splits.js';

const asArrays = (r: Record<string, Int32Array>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v)]));

function expectDisjoint(parts: Int32Array[]): void {
  const seen = new Set<number>();
  for (const p of parts) for (const i of p) {
    expect(seen.has(i)).toBe(false);
    seen.add(i);
  }
}

describe('splitIndices', () => {
  it('gives the same split for a fixed seed on every machine (hard-coded expected indices)', () => {
    const split = splitIndices(12, { fractions: { train: 0.5, metric: 0.25, test: 0.25 }, rng: new Rng(7) });
    expect(asArrays(split)).toEqual({ train: [6, 1, 4, 11, 0, 5], metric: [9, 10, 7], test: [8, 3, 2] });
    // Independent reference: the same generator's permutation, cut in order.
    const perm = Array.from(new Rng(7).permutation(12));
    expect(asArrays(split)).toEqual({ train: perm.slice(0, 6), metric: perm.slice(6, 9), test: perm.slice(9) });
  });

  it('a stratified split for a fixed seed (hard-coded) interleaves classes by position', () => {
    const labels = [0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
    const split = splitIndices(12, { counts: { train: 6, metric: 3, test: 3 }, rng: new Rng(7), stratify: labels });
    expect(asArrays(split)).toEqual({ train: [0, 11, 8, 2, 3, 10], metric: [7, 1, 4], test: [9, 6, 5] });
    // Positions (k+½)/n_c: class 0 at 1/12, 3/12, ...; classes 1 and 2 tie at 2/12, 6/12, 10/12.
    const classes = [...split.train, ...split.metric, ...split.test].map((i) => labels[i]);
    expect(classes).toEqual([0, 2, 1, 0, 0, 2, 1, 0, 0, 2, 1, 0]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const make = (seed: number) => asArrays(splitIndices(1000, { fractions: { train: 0.7, metric: 0.15, test: 0.1, twin: 0.05 }, rng: new Rng(seed) }));
    expect(make(3)).toEqual(make(3));
    expect(make(3)).not.toEqual(make(4));
  });

  it.each([
    [101, { train: 0.5, metric: 0.25, test: 0.25 }, [51, 25, 25]],   // ends round(50.5)=51, round(75.75)=76, 101
    [10, { train: 1 / 3, metric: 1 / 3, test: 1 / 3 }, [3, 4, 3]],    // ends 3, 7, 10
    [100, { train: 0.5, metric: 0.2 }, [50, 20]],                      // 30 left over
    [7, { a: 0, b: 1 }, [0, 7]],
  ] as const)('fraction sizes of %i samples %j are %j, disjoint', (n, fractions, sizes) => {
    const split = splitIndices(n, { fractions: fractions as Record<string, number>, rng: new Rng(1) });
    const parts = Object.values<Int32Array>(split);
    expect(parts.map((p) => p.length)).toEqual(sizes);
    expectDisjoint(parts);
    for (const p of parts) for (const i of p) expect(i >= 0 && i < n).toBe(true);
  });

  it('counts are exact, and an explicit index set is split within itself', () => {
    const pool = Array.from({ length: 50 }, (_, i) => 1000 + 3 * i);
    const split = splitIndices(pool, { counts: { train: 30, metric: 10, test: 5, twin: 5 }, rng: new Rng(2) });
    expect([split.train.length, split.metric.length, split.test.length, split.twin.length]).toEqual([30, 10, 5, 5]);
    const all = [...split.train, ...split.metric, ...split.test, ...split.twin].sort((a, b) => a - b);
    expect(all).toEqual(pool);
  });

  it('stratified splits hold every class in proportion, within 2 samples', () => {
    const sizes = [500, 300, 120, 80, 7, 1];
    const labels = sizes.flatMap((n, c) => new Array<number>(n).fill(c));
    for (let seed = 0; seed < 20; seed++) {
      const split = splitIndices(labels.length, { fractions: { train: 0.55, metric: 0.2, test: 0.15, twin: 0.1 }, rng: new Rng(seed), stratify: labels });
      expectDisjoint(Object.values(split));
      for (const part of Object.values<Int32Array>(split)) {
        const counts = new Array<number>(sizes.length).fill(0);
        for (const i of part) counts[labels[i]!]!++;
        counts.forEach((k, c) => expect(Math.abs(k - (part.length * sizes[c]!) / labels.length)).toBeLessThanOrEqual(2));
      }
    }
  });

  it('stratification works on a subset whose labels are indexed by sample', () => {
    const labels = Array.from({ length: 200 }, (_, i) => i % 4);
    const pool = Array.from({ length: 100 }, (_, i) => 2 * i + 1); // classes 1 and 3 only
    const split = splitIndices(pool, { fractions: { a: 0.5, b: 0.5 }, rng: new Rng(5), stratify: labels });
    for (const part of [split.a, split.b]) {
      expect(part.length).toBe(50);
      expect(part.filter((i) => labels[i] === 1).length).toBe(25);
    }
  });

  it('rejects bad sizes with the argument named', () => {
    const rng = new Rng(1);
    expect(() => splitIndices(10, { fractions: { a: 0.7, b: 0.4 }, rng })).toThrow(/fractions summing to at most 1, got a sum of 1.1/);
    expect(() => splitIndices(10, { counts: { a: 7, b: 4 }, rng })).toThrow(/counts summing to at most the 10 samples/);
    expect(() => splitIndices(10, { counts: { a: 1.5 }, rng })).toThrow(/'options.counts.a'/);
    expect(() => splitIndices(10, { fractions: { a: -0.1 }, rng })).toThrow(/'options.fractions.a'/);
    expect(() => splitIndices(10, { rng } as never)).toThrow(/exactly one of fractions or counts/);
    expect(() => splitIndices(10, { fractions: { a: 1 }, rng: Math.random } as never)).toThrow(InvalidArgumentError);
    expect(() => splitIndices(10, { fractions: { a: 1 }, rng, stratify: [0, 1] })).toThrow(/'options.stratify'/);
    expect(() => splitIndices([1, -2], { fractions: { a: 1 }, rng })).toThrow(/'samples'/);
    expect(() => splitIndices([1, 2, 1], { fractions: { a: 1 }, rng })).toThrow(/distinct indices, got 1 again at position 2/);
  });
});

describe('classDisjointSplit', () => {
  const labels = Array.from({ length: 60 }, (_, i) => (i * 7) % 10);

  it('without rng, classes go to splits in ascending order', () => {
    const { indices, classes } = classDisjointSplit(labels, { counts: { train: 5, test: 5 } });
    expect(classes).toEqual({ train: [0, 1, 2, 3, 4], test: [5, 6, 7, 8, 9] });
    expect(Array.from(indices.train)).toEqual(labels.flatMap((y, i) => (y < 5 ? [i] : [])));
    expect(Array.from(indices.test)).toEqual(labels.flatMap((y, i) => (y >= 5 ? [i] : [])));
  });

  it('with rng, partitions the classes at random, deterministically; every sample follows its class', () => {
    const make = (seed: number) => classDisjointSplit(labels, { fractions: { train: 0.5, metric: 0.2, test: 0.3 }, rng: new Rng(seed) });
    const split = make(9);
    expect(make(9)).toEqual(split);
    expect([split.classes.train.length, split.classes.metric.length, split.classes.test.length]).toEqual([5, 2, 3]);
    expect([...split.classes.train, ...split.classes.metric, ...split.classes.test].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const name of ['train', 'metric', 'test'] as const) {
      const mine = new Set(split.classes[name]);
      expect(Array.from(split.indices[name])).toEqual(labels.flatMap((y, i) => (mine.has(y) ? [i] : [])));
    }
    expect(Array.from({ length: 5 }, (_, s) => make(s).classes.train.join()).some((t) => t !== split.classes.train.join())).toBe(true);
  });

  it('uses only the classes present in the given indices', () => {
    const { classes } = classDisjointSplit(labels, { counts: { a: 1, b: 1 }, indices: [0, 1, 2] }); // labels 0, 7, 4
    expect(classes).toEqual({ a: [0], b: [4] });
  });
});
