import { InvalidArgumentError, Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { MPerClassSampler } from './m-per-class.js';

// Class sizes 1, 2, 3, …, 10 (labels 100..109), interleaved.
const labels: number[] = [];
for (let size = 1; size <= 10; size++) for (let i = 0; i < size; i++) labels.push(99 + size);
new Rng(0).shuffle(labels);

describe('MPerClassSampler', () => {
  it('gives C classes × M samples, grouped by class, no class twice in an epoch', () => {
    const sampler = new MPerClassSampler(labels, { classesPerBatch: 3, samplesPerClass: 4 }, new Rng(1));
    expect(sampler.batchSize).toBe(12);
    expect(sampler.batchesPerEpoch).toBe(3);
    for (let e = 0; e < 5; e++) {
      const seen = new Set<number>();
      for (const batch of sampler.epoch()) {
        expect(batch.length).toBe(12);
        for (let slot = 0; slot < 3; slot++) {
          const group = Array.from(batch.subarray(slot * 4, slot * 4 + 4));
          const label = labels[group[0]!]!;
          expect(group.every((i) => labels[i] === label)).toBe(true);
          expect(seen.has(label)).toBe(false);
          seen.add(label);
          const size = label - 99;
          if (size >= 4) expect(new Set(group).size).toBe(4); // without replacement
          else expect(new Set(group).size).toBe(size); // every member, the rest repeated
        }
      }
      expect(seen.size).toBe(9);
    }
  });

  it('cycles through a large class without replacement before repeating', () => {
    const sampler = new MPerClassSampler([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], { classesPerBatch: 2, samplesPerClass: 3 }, new Rng(2));
    const a = sampler.next();
    const b = sampler.next();
    const zeros = [...a, ...b].filter((i) => i < 6);
    expect(new Set(zeros).size).toBe(6); // two visits of class 0 cover all 6 of its samples
  });

  it('is deterministic for a seed and resumes from a saved state', () => {
    const options = { classesPerBatch: 2, samplesPerClass: 3 };
    const batches = (seed: number) => {
      const s = new MPerClassSampler(labels, options, new Rng(seed));
      return Array.from({ length: 7 }, () => Array.from(s.next()));
    };
    expect(batches(5)).toEqual(batches(5));
    expect(batches(5)).not.toEqual(batches(6));

    const rng = new Rng(9);
    const sampler = new MPerClassSampler(labels, options, rng);
    sampler.next();
    sampler.next();
    const saved = { sampler: structuredClone(sampler.getState()), rng: rng.getState() };
    const expected = Array.from({ length: 6 }, () => Array.from(sampler.next()));
    const restoredRng = Rng.fromState(saved.rng);
    const restored = new MPerClassSampler(labels, options, restoredRng);
    restoredRng.setState(saved.rng);
    restored.setState(saved.sampler);
    expect(Array.from({ length: 6 }, () => Array.from(restored.next()))).toEqual(expected);
  });

  it('rejects impossible options', () => {
    const rng = new Rng(1);
    expect(() => new MPerClassSampler(labels, { classesPerBatch: 11, samplesPerClass: 2 }, rng)).toThrow(
      /'classesPerBatch' passed to MPerClassSampler must be at most the number of classes in labels \(10\), got 11/,
    );
    expect(() => new MPerClassSampler(labels, { classesPerBatch: 2, samplesPerClass: 0 }, rng)).toThrow(InvalidArgumentError);
    expect(() => new MPerClassSampler([0, 0.5], { classesPerBatch: 1, samplesPerClass: 2 }, rng)).toThrow(/'labels' .* integers, got 0.5 at index 1/);
    const sampler = new MPerClassSampler(labels, { classesPerBatch: 2, samplesPerClass: 2 }, rng);
    expect(() => sampler.setState({ classOrder: [], nextClass: 0, queues: [], queuePositions: [] })).toThrow(/same 10 classes/);
  });
});
