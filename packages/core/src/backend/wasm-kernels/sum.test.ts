import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { sumConfig } from './sum.js';

function seeded(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const rng = new Rng(seed);
  const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (dtype === 'int32' ? rng.int(9) - 4 : rng.normal()));
  return tf.tensor(values, shape, dtype);
}

describe('wasm Sum (MetricOpt replacement)', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('Sum', 'wasm').kernelFunc).toBe(sumConfig.kernelFunc);
  });

  it.each([
    // Leading axes, the rest a multiple of 4 wide: the column-sum kernel.
    { shape: [6, 5, 7, 8], axis: [0, 1, 2], keepDims: false },
    { shape: [6, 5, 7, 8], axis: [2, 0, 1], keepDims: true },
    { shape: [300, 12], axis: 0, keepDims: false },
    { shape: [3, 4, 4], axis: [0], keepDims: true },
    // Everything else: the stock kernel.
    { shape: [6, 5, 7, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [6, 5, 8], axis: [1, 2], keepDims: false },
    { shape: [6, 5, 8], axis: [0, 2], keepDims: true },
    { shape: [6, 8], axis: null, keepDims: false },
  ])('matches cpu: shape $shape, axis $axis, keepDims $keepDims', async ({ shape, axis, keepDims }) => {
    const result = await compareBackends(() => tf.sum(seeded(shape, 1), axis ?? undefined, keepDims));
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('leaves int32 to the stock kernel, exactly', async () => {
    const result = await compareBackends(() => tf.sum(seeded([5, 8], 2, 'int32'), 0));
    expect(result.difference).toBe(0);
  });

  it('gives the cpu gradients of a FiLM-like broadcast scale and shift', async () => {
    const result = await compareBackends(() => {
      const x = seeded([4, 6, 6, 8], 3);
      const weights = seeded([4, 6, 6, 8], 4);
      const loss = (scale: tf.Tensor, shift: tf.Tensor) => tf.sum(tf.mul(tf.add(tf.mul(x, scale), shift), weights));
      return tf.grads(loss)([seeded([8], 5), seeded([8], 6)]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
