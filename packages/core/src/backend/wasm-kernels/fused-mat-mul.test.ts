import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { fusedMatMulConfig } from './fused-mat-mul.js';

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const CASES = [false, true].flatMap((ta) =>
  [false, true].flatMap((tb) => (['linear', 'relu'] as const).map((activation) => ({ ta, tb, activation }))),
);

describe('wasm _FusedMatMul (MetricOpt replacement)', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('_FusedMatMul', 'wasm').kernelFunc).toBe(fusedMatMulConfig.kernelFunc);
  });

  it.each(CASES)('matches cpu with a bias: transposeA $ta, transposeB $tb, activation $activation', async ({ ta, tb, activation }) => {
    const result = await compareBackends(() =>
      tf.fused.matMul({
        a: seeded(ta ? [7, 5] : [5, 7], 1),
        b: seeded(tb ? [3, 7] : [7, 3], 2),
        transposeA: ta,
        transposeB: tb,
        bias: seeded([3], 3),
        activation,
      }),
    );
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('gives the cpu gradients of a fused dense layer', async () => {
    const result = await compareBackends(() => {
      const weights = seeded([6, 4], 4);
      const loss = (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.matMul({ a: x, b: kernel, bias, activation: 'relu' }), weights));
      return tf.grads(loss)([seeded([6, 9], 5), seeded([9, 4], 6), seeded([4], 7)]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
