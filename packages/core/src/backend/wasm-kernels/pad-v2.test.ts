import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { padV2Config } from './pad-v2.js';

function seeded(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (dtype === 'int32' ? rng.int(9) - 4 : rng.normal())), shape, dtype);
}

describe('wasm PadV2 (MetricOpt replacement)', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('PadV2', 'wasm').kernelFunc).toBe(padV2Config.kernelFunc);
  });

  it.each([
    { shape: [2, 3, 4, 5], paddings: [[0, 1], [1, 2], [2, 0], [0, 0]], value: 0 },
    { shape: [2, 3, 4, 5], paddings: [[0, 0], [0, 0], [0, 0], [1, 1]], value: -2.5 },
    { shape: [2, 3, 4, 5], paddings: [[1, 0], [0, 0], [0, 0], [0, 0]], value: 0 },
    { shape: [2, 3, 4, 5], paddings: [[0, 0], [0, 0], [0, 0], [0, 0]], value: 7 },
    { shape: [7], paddings: [[3, 2]], value: 1 },
    { shape: [3, 0, 2], paddings: [[1, 1], [1, 0], [0, 0]], value: 4 },
  ])('matches cpu exactly: $shape padded by $paddings with $value', async ({ shape, paddings, value }) => {
    const result = await compareBackends(() => [
      tf.pad(seeded(shape, 1), paddings as Array<[number, number]>, value),
      tf.pad(seeded(shape, 2, 'int32'), paddings as Array<[number, number]>, value),
    ]);
    expect(result).toMatchObject({ shapesMatch: true, difference: 0, leaked: { tensors: 0, buffers: 0 } });
  });

  it('gives the cpu gradient of a pad', async () => {
    const result = await compareBackends(() => {
      const weights = seeded([3, 6, 6, 4], 3);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.pad(x, [[0, 1], [1, 1], [2, 0], [0, 0]]), weights)))(seeded([2, 4, 4, 4], 4));
    });
    expect(result).toMatchObject({ shapesMatch: true, difference: 0, leaked: { tensors: 0, buffers: 0 } });
  });
});
