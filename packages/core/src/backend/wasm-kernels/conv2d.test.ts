import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { conv2dConfig } from './conv2d.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

describe('wasm Conv2D (MetricOpt replacement)', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('Conv2D', 'wasm').kernelFunc).toBe(conv2dConfig.kernelFunc);
  });

  it.each([
    // Output width and channels multiples of 4: the SIMD path.
    { x: [2, 6, 8, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 7, 8, 1], w: [3, 3, 1, 8], strides: 1, pad: 'same' },
    { x: [3, 6, 6, 5], w: [3, 3, 5, 12], strides: 1, pad: 'valid' },
    { x: [2, 9, 16, 4], w: [3, 2, 4, 4], strides: 2, pad: 'same' },
    { x: [2, 9, 17, 2], w: [3, 3, 2, 4], strides: [2, 2], pad: 'valid' }, // a last row and column no window reads
    { x: [1, 5, 8, 3], w: [2, 3, 3, 4], strides: 1, pad: [[0, 0], [1, 0], [1, 1], [0, 0]] },
    { x: [2, 4, 4, 6], w: [1, 1, 6, 8], strides: 1, pad: 'valid' },
    // Everything else: the stock kernel.
    { x: [2, 6, 7, 3], w: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { x: [2, 6, 8, 3], w: [3, 3, 3, 5], strides: 1, pad: 'same' },
  ] as Array<{ x: number[]; w: number[]; strides: number | [number, number]; pad: Pad }>)(
    'matches cpu: x $x, filter $w, strides $strides, pad $pad',
    async (c) => {
      const result = await compareBackends(() => tf.conv2d(seeded(c.x, 1) as tf.Tensor4D, seeded(c.w, 2) as tf.Tensor4D, c.strides, c.pad));
      expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
      expect(result.difference).toBeLessThan(1e-5);
    },
  );

  it('leaves dilated convs to the stock kernel', async () => {
    const result = await compareBackends(() => tf.conv2d(seeded([1, 9, 12, 2], 3) as tf.Tensor4D, seeded([3, 3, 2, 4], 4) as tf.Tensor4D, 1, 'same', 'NHWC', 2));
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('gives the cpu gradients of a conv (its input gradient runs through this kernel)', async () => {
    const result = await compareBackends(() => {
      const weights = seeded([2, 8, 8, 8], 5);
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), weights));
      return tf.grads(f)([seeded([2, 8, 8, 4], 6), seeded([3, 3, 4, 8], 7)]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
