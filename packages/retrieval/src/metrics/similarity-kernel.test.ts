import { Rng } from '@metricopt/core';
import { describe, expect, it } from 'vitest';
import { SimilarityKernel, WASM_MEMORY_LIMIT } from './similarity-kernel.js';

describe('SimilarityKernel', () => {
  it.each([
    [1, 1, 1],
    [3, 5, 9],
    [7, 70, 13],
    [16, 600, 4],
  ])('scores depth %i, %i gallery rows, blocks of %i exactly as a float32 loop over k', (depth, gallery, blockRows) => {
    const rng = new Rng(depth * 31 + gallery);
    const rows = rng.normals((gallery + 11) * depth);
    const extra = rng.normals(gallery + 11);
    for (const withExtra of [false, true]) {
      const kernel = new SimilarityKernel(depth + (withExtra ? 1 : 0), gallery, blockRows);
      kernel.setGalleryRows(rows, 11, depth, withExtra ? extra : undefined);
      for (let first = 0; first < 11; first += blockRows) {
        const count = Math.min(blockRows, 11 - first);
        const scores = kernel.scoreRows(rows, first, count, depth, withExtra ? 1 : undefined);
        for (let i = 0; i < count; i++) {
          for (let j = 0; j < gallery; j++) {
            let s = 0;
            for (let k = 0; k < depth; k++) s = Math.fround(s + Math.fround(rows[(first + i) * depth + k]! * rows[(11 + j) * depth + k]!));
            if (withExtra) s = Math.fround(s + extra[11 + j]!);
            expect(scores[i * kernel.stride + j]).toBe(s);
          }
        }
      }
    }
  });

  it('says when its memory cannot be allocated', () => {
    expect(SimilarityKernel.bytesNeeded(100_000, 100_000, 4)).toBeGreaterThan(WASM_MEMORY_LIMIT);
    expect(() => new SimilarityKernel(100_000, 100_000, 4)).toThrow(/could not allocate \d+ MB of WebAssembly memory/);
  });
});
