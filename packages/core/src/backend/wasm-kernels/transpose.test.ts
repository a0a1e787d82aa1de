import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { transposeConfig } from './transpose.js';

function seeded(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (dtype === 'int32' ? rng.int(99) - 50 : rng.normal())), shape, dtype);
}

describe('wasm Transpose (MetricOpt replacement)', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('Transpose', 'wasm').kernelFunc).toBe(transposeConfig.kernelFunc);
  });

  it.each([
    // The last two axes swapped, both multiples of 4: the SIMD kernel.
    { shape: [8, 12], perm: [1, 0] },
    { shape: [3, 4, 8], perm: [0, 2, 1] },
    { shape: [3, 3, 16, 8], perm: [0, 1, 3, 2] },
    // Everything else: the stock kernel.
    { shape: [6, 12], perm: [1, 0] },
    { shape: [2, 4, 8], perm: [1, 0, 2] },
    { shape: [2, 3, 4, 8], perm: [3, 1, 2, 0] },
  ])('matches cpu exactly: $shape by $perm', async ({ shape, perm }) => {
    const result = await compareBackends(() => [tf.transpose(seeded(shape, 1), perm), tf.transpose(seeded(shape, 2, 'int32'), perm)]);
    expect(result).toMatchObject({ shapesMatch: true, difference: 0, leaked: { tensors: 0, buffers: 0 } });
  });
});
