import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { SimilarityKernel } from './similarity-kernel.js';
import { TopK } from './top-k.js';

/** Best first: higher score, then lower index; `skip` left out. */
function sorted(row: ArrayLike<number>, count: number, k: number, skip: number): number[] {
  return [...Array(count).keys()]
    .filter((j) => j !== skip)
    .sort((a, b) => row[b]! - row[a]! || a - b)
    .slice(0, k);
}

describe('TopK', () => {
  it.each([1, 3, 10, 37, 200])('selects the best %i with index tie-breaks (JS scan)', (k) => {
    const rng = new Rng(k);
    const top = new TopK(k);
    for (let trial = 0; trial < 20; trial++) {
      const count = 1 + rng.int(120);
      const row = Float32Array.from({ length: count + 5 }, () => rng.int(6) - 2); // few values: many ties
      const skip = trial % 3 === 0 ? -1 : rng.int(count);
      const size = top.select(row, 5, count, k, skip);
      const want = sorted(row.subarray(5), count, k, skip);
      expect(Array.from(top.indices.subarray(0, size))).toEqual(want);
      expect(Array.from(top.scores.subarray(0, size))).toEqual(want.map((j) => row[5 + j]!));
    }
  });

  it('selects the same with the SIMD scan of SimilarityKernel', () => {
    const rng = new Rng(4);
    const gallery = 75; // not a multiple of 8 or 16
    const kernel = new SimilarityKernel(2, gallery, 6);
    const g = Float32Array.from({ length: gallery * 2 }, () => rng.int(5) - 2);
    kernel.setGalleryRows(g, 0, 2);
    const q = Float32Array.from({ length: 6 * 2 }, () => rng.int(3) - 1);
    const scores = kernel.scoreRows(q, 0, 6, 2);
    const top = new TopK(40);
    for (let i = 0; i < 6; i++) {
      const row = Array.from({ length: gallery }, (_, j) => 0 + q[i * 2]! * g[j * 2]! + q[i * 2 + 1]! * g[j * 2 + 1]!);
      expect(Array.from(scores.subarray(i * kernel.stride, i * kernel.stride + gallery))).toEqual(row);
      for (const k of [1, 16, 40]) {
        const size = top.select(scores, i * kernel.stride, gallery, k, i, kernel.scan);
        expect(Array.from(top.indices.subarray(0, size))).toEqual(sorted(row, gallery, k, i));
      }
    }
  });
});
