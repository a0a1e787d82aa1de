import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { batchMatMulConfig } from './batch-mat-mul.js';

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const FLAGS = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

// a·b with a [m, k] and b [k, n] before the flags, for m, k, n = 5, 7, 3 and batch shapes that broadcast.
const SHAPES = [
  { batchA: [], batchB: [] },
  { batchA: [4], batchB: [4] },
  { batchA: [2, 3], batchB: [1, 3] },
];

function operand(batch: number[], rows: number, cols: number, transposed: boolean, seed: number): tf.Tensor {
  return seeded([...batch, ...(transposed ? [cols, rows] : [rows, cols])], seed);
}

describe('wasm BatchMatMul (MetricOpt replacement)', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('BatchMatMul', 'wasm').kernelFunc).toBe(batchMatMulConfig.kernelFunc);
  });

  it.each(FLAGS.flatMap(([ta, tb]) => SHAPES.map((shape) => ({ ta, tb, ...shape }))))(
    'matches cpu: transposeA $ta, transposeB $tb, batch $batchA × $batchB',
    async ({ ta, tb, batchA, batchB }) => {
      const result = await compareBackends(() =>
        tf.matMul(operand(batchA, 5, 7, ta, 1), operand(batchB, 7, 3, tb, 2), ta, tb),
      );
      expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
      expect(result.difference).toBeLessThan(1e-5);
    },
  );

  it.each(FLAGS.flatMap(([ta, tb]) => SHAPES.map((shape) => ({ ta, tb, ...shape }))))(
    'with m and n multiples of 4, over one depth chunk and one column panel (the SIMD kernels): transposeA $ta, transposeB $tb, batch $batchA × $batchB',
    async ({ ta, tb, batchA, batchB }) => {
      const result = await compareBackends(() => tf.matMul(operand(batchA, 8, 300, ta, 6), operand(batchB, 300, 140, tb, 7), ta, tb));
      expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
      expect(result.difference).toBeLessThan(1e-4);
    },
  );

  it.each(FLAGS.map(([ta, tb]) => ({ ta, tb })))('runs matrices (rank 2, as tf.matMul passes them) too: transposeA $ta, transposeB $tb', async ({ ta, tb }) => {
    const result = await compareBackends(() => {
      const a = operand([], 12, 20, ta, 8);
      const b = operand([], 20, 8, tb, 9);
      return tf.engine().runKernel('BatchMatMul', { a, b }, { transposeA: ta, transposeB: tb }) as tf.Tensor;
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('gives the cpu gradients of a matMul (a·bᵀ and aᵀ·b)', async () => {
    const result = await compareBackends(() => {
      const weights = seeded([6, 4], 3);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), weights));
      return tf.grads(loss)([seeded([6, 9], 4), seeded([9, 4], 5)]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
