import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

const CASES: ConvCase[] = [
  { x: [2, 5, 7, 3], filter: [3, 2, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 5, 7, 3], filter: [3, 2, 3, 4], strides: 2, pad: 'same' },
  { x: [2, 6, 5, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'valid' },
  { x: [3, 8, 6, 2], filter: [2, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [2, 7, 7, 2], filter: [1, 1, 2, 3], strides: 2, pad: 'valid' }, // dx's last row and column get nothing
  { x: [2, 6, 7, 2], filter: [3, 2, 2, 2], strides: [2, 1], pad: 'same' },
  { x: [1, 5, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const conv = (x: tf.Tensor, w: tf.Tensor, c: ConvCase) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);

describe('wasm Conv2DBackpropInput (MetricOpt replacement)', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replaces the stock wasm kernel', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm').kernelFunc).toBe(conv2dBackpropInputConfig.kernelFunc);
  });

  it.each(CASES)('gives the cpu gradient of conv2d w.r.t. x: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const weights = seeded(conv(seeded(c.x, 1), seeded(c.filter, 2), c).shape, 3);
      const loss = (x: tf.Tensor) => tf.sum(tf.mul(conv(x, seeded(c.filter, 2), c), weights));
      return tf.grad(loss)(seeded(c.x, 1));
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  // conv2dTranspose takes no explicit padding; the gradient test above covers that case.
  const stringPadCases = CASES.filter((c): c is ConvCase & { pad: 'same' | 'valid' } => typeof c.pad === 'string');

  it.each(stringPadCases)('as conv2dTranspose, matches cpu: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const filter = seeded(c.filter, 4);
      const dy = seeded(conv(seeded(c.x, 5), filter, c).shape, 6) as tf.Tensor4D;
      return tf.conv2dTranspose(dy, filter as tf.Tensor4D, c.x, c.strides, c.pad);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('hands NCHW to the stock kernel', async () => {
    const result = await compareBackends(() => {
      const dy = tf.transpose(seeded([2, 3, 4, 4], 7), [0, 3, 1, 2]);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 5, 7] };
      return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: seeded([3, 2, 3, 4], 8) }, attrs) as tf.Tensor;
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
