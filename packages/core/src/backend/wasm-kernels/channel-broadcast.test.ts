import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { addConfig, multiplyConfig } from './channel-broadcast.js';

function seeded(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (dtype === 'int32' ? rng.int(9) - 4 : rng.normal())), shape, dtype);
}

describe('wasm Add and Multiply (MetricOpt replacements for a channel broadcast)', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replace the stock wasm kernels', () => {
    expect(tf.getKernel('Add', 'wasm').kernelFunc).toBe(addConfig.kernelFunc);
    expect(tf.getKernel('Multiply', 'wasm').kernelFunc).toBe(multiplyConfig.kernelFunc);
  });

  it.each([
    // A channel vector: the SIMD kernel, either operand order.
    { a: [2, 3, 5, 8], b: [8] },
    { a: [8], b: [2, 3, 5, 8] },
    { a: [4, 12], b: [1, 12] },
    { a: [2, 3, 4], b: [1, 1, 4] },
    // Anything else: the stock kernels.
    { a: [2, 3, 5, 6], b: [6] },
    { a: [2, 3, 5, 8], b: [2, 3, 5, 8] },
    { a: [2, 3, 5, 8], b: [5, 8] },
    { a: [2, 3, 5, 8], b: [] },
    { a: [3, 1], b: [1, 4] },
  ])('match cpu exactly: $a with $b', async ({ a, b }) => {
    const result = await compareBackends(() => [tf.add(seeded(a, 1), seeded(b, 2)), tf.mul(seeded(a, 1), seeded(b, 2))]);
    expect(result).toMatchObject({ shapesMatch: true, difference: 0, leaked: { tensors: 0, buffers: 0 } });
  });

  it('leave int32 to the stock kernels', async () => {
    const result = await compareBackends(() => [tf.add(seeded([3, 4], 3, 'int32'), seeded([4], 4, 'int32')), tf.mul(seeded([3, 4], 3, 'int32'), seeded([4], 4, 'int32'))]);
    expect(result).toMatchObject({ shapesMatch: true, difference: 0 });
  });

  it('give the cpu gradients of a FiLM layer after a conv with bias', async () => {
    const result = await compareBackends(() => {
      const x = seeded([2, 5, 5, 3], 5);
      const weights = seeded([2, 5, 5, 8], 6);
      const f = (w: tf.Tensor, bias: tf.Tensor, scale: tf.Tensor, shift: tf.Tensor) => {
        const y = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), bias));
        return tf.sum(tf.mul(tf.add(tf.mul(y, scale), shift), weights));
      };
      return tf.grads(f)([seeded([3, 3, 3, 8], 7), seeded([8], 8), seeded([8], 9), seeded([8], 10)]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
