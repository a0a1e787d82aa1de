import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered, runOnBackend } from '../backend-comparison.js';
import { maxPoolGradConfig } from './max-pool-grad.js';

interface PoolCase {
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const CASES: PoolCase[] = [
  { x: [2, 6, 8, 3], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 3], size: 2, strides: 2, pad: 'valid' }, // a last row and column no window reads
  { x: [2, 7, 9, 3], size: 3, strides: 2, pad: 'same' },
  { x: [2, 6, 6, 4], size: 3, strides: 1, pad: 'same' }, // overlapping windows
  { x: [3, 5, 7, 2], size: [2, 3], strides: [1, 2], pad: 'valid' },
  // Windows that tile the input, channels a multiple of 4: the SIMD kernel.
  { x: [2, 6, 8, 4], size: 2, strides: 2, pad: 'valid' },
  { x: [2, 7, 9, 8], size: 2, strides: 2, pad: 'valid' },
  { x: [1, 6, 6, 4], size: [3, 2], strides: [3, 2], pad: 'same' },
];

/** Small integers after a ReLU: many ties, as after a ReLU in a real network, so the tie rule matters. */
function tiedValues(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.max(0, rng.int(5) - 2)), shape);
}

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const pool = (x: tf.Tensor, c: PoolCase) => tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad);

describe('wasm MaxPoolGrad (MetricOpt replacement)', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm').kernelFunc).toBe(maxPoolGradConfig.kernelFunc);
  });

  it.each(CASES)('gives the cpu gradient of maxPool with ties: x $x, size $size, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const weights = seeded(pool(tiedValues(c.x, 1), c).shape, 2);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(pool(x, c), weights)))(tiedValues(c.x, 1));
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-6);
  });

  it.each(CASES)('gives the cpu gradient of maxPool on distinct values: x $x, size $size, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const weights = seeded(pool(seeded(c.x, 3), c).shape, 4);
      return tf.grad((x: tf.Tensor) => tf.sum(tf.mul(pool(x, c), weights)))(seeded(c.x, 3));
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-6);
  });

  it('sends dy to the maximum of a window of negative values (stock wasm 4.22 sends it to the first element)', async () => {
    const run = await runOnBackend('wasm', () =>
      tf.grad((x: tf.Tensor) => tf.sum(pool(x, { x: [1, 2, 2, 1], size: 2, strides: 2, pad: 'valid' })))(tf.tensor4d([-5, -2, -3, -4], [1, 2, 2, 1])),
    );
    expect(Array.from(run.outputs[0]!)).toEqual([0, 1, 0, 0]);
  });

  it('sends each dy to the first maximum of its window, row-major', async () => {
    const run = await runOnBackend('wasm', () => {
      const x = tf.tensor4d([1, 3, 3, 0, /* row 2 */ 3, 2, 0, 0], [1, 2, 4, 1]);
      return tf.grad((input: tf.Tensor) => tf.sum(tf.mul(pool(input, { x: [1, 2, 4, 1], size: 2, strides: 2, pad: 'valid' }), tf.tensor4d([10, 20], [1, 1, 2, 1]))))(x);
    });
    // Window 1 holds 1, 3 / 3, 2: the first 3 (row 0) takes 10. Window 2 holds 3, 0 / 0, 0: its 3 takes 20.
    expect(Array.from(run.outputs[0]!)).toEqual([0, 10, 20, 0, 0, 0, 0, 0]);
  });
});
