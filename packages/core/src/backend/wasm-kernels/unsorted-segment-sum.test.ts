import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered, runOnBackend } from '../backend-comparison.js';

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

describe('wasm UnsortedSegmentSum', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('is registered for wasm', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('sums rows by segment, skipping ids outside [0, numSegments), like a naive loop', async () => {
    const ids = [0, 2, 2, 5, -1, 3, 0];
    const run = await runOnBackend('wasm', () => {
      const x = seeded([7, 2, 3], 1);
      return [x, tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), 4)];
    });
    const [x, out] = run.outputs as [Float32Array, Float32Array];
    const expected = new Float32Array(4 * 6);
    ids.forEach((id, row) => {
      if (id < 0 || id >= 4) return;
      for (let k = 0; k < 6; k++) expected[id * 6 + k]! += x[row * 6 + k]!;
    });
    expect(run.shapes[1]).toEqual([4, 2, 3]);
    for (let i = 0; i < expected.length; i++) expect(out[i]).toBeCloseTo(expected[i]!, 5);
  });

  it.each(['float32', 'int32'] as const)('matches the cpu kernel on %s values', async (dtype) => {
    const result = await compareBackends(() =>
      tf.unsortedSegmentSum(tf.cast(tf.mul(seeded([9, 4], 2), 10), dtype), tf.tensor1d([1, 1, 0, 4, 4, 4, 7, 2, 1], 'int32'), 8),
    );
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-6);
  });

  it.each([0, 1])('gives the cpu gradient of gather on axis %i with repeated indices (an embedding lookup)', async (axis) => {
    const result = await compareBackends(() => {
      const table = seeded([6, 5], 3);
      const indices = tf.tensor1d([1, 4, 4, 0, 4, 2, 1], 'int32');
      const weights = seeded(tf.gather(table, indices, axis).shape, 4);
      return tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, indices, axis), weights)))(table);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-6);
  });

  it('refuses segment ids that are not one per row of x', async () => {
    const attempt = runOnBackend('wasm', () => {
      const ids: tf.Tensor = tf.zeros([2, 3], 'int32');
      return tf.unsortedSegmentSum(tf.zeros([2, 3]), ids as tf.Tensor1D, 4);
    });
    await expect(attempt).rejects.toThrow(InvalidArgumentError);
    await expect(attempt).rejects.toThrow(/'segmentIds'.*rank 1 of length x.shape\[0\] = 2, got shape \[2, 3\]/);
  });
});
