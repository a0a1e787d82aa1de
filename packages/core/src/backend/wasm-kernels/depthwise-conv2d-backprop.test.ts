import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BackendError } from '../../errors.js';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered, runOnBackend } from '../backend-comparison.js';

interface DepthwiseCase {
  x: [number, number, number, number];
  filter: [number, number, number, number]; // [fh, fw, in, multiplier]
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

const CASES: DepthwiseCase[] = [
  { x: [2, 5, 7, 3], filter: [3, 2, 3, 1], strides: 1, pad: 'same' },
  { x: [2, 5, 7, 3], filter: [3, 2, 3, 2], strides: 1, pad: 'same' },
  { x: [2, 5, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'same' },
  { x: [3, 8, 6, 2], filter: [2, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [2, 6, 5, 2], filter: [3, 3, 2, 1], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 'valid' }, // x has a row and column no window reads
  { x: [2, 7, 7, 2], filter: [1, 1, 2, 2], strides: 2, pad: 'valid' }, // dx's last row and column get nothing
  { x: [2, 6, 7, 2], filter: [3, 2, 2, 2], strides: [2, 1], pad: 'same' },
];

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const depthwise = (x: tf.Tensor, w: tf.Tensor, c: DepthwiseCase) =>
  tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);

describe('wasm DepthwiseConv2dNativeBackpropFilter and DepthwiseConv2dNativeBackpropInput', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('are registered for wasm', () => {
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeDefined();
  });

  it.each(CASES)('give the cpu gradients of depthwiseConv2d: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const weights = seeded(depthwise(seeded(c.x, 1), seeded(c.filter, 2), c).shape, 3);
      const loss = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(depthwise(x, w, c), weights));
      return [depthwise(seeded(c.x, 1), seeded(c.filter, 2), c), ...tf.grads(loss)([seeded(c.x, 1), seeded(c.filter, 2)])];
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it.each(CASES)('called directly, match the cpu kernels: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const x = seeded(c.x, 4);
      const filter = seeded(c.filter, 5);
      const dy = seeded(depthwise(x, filter, c).shape, 6);
      const attrs = { strides: c.strides, pad: c.pad, dilations: [1, 1] };
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: c.filter }) as tf.Tensor,
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...attrs, inputShape: c.x }) as tf.Tensor,
      ];
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('refuse dilations, naming the kernel', async () => {
    const attempt = runOnBackend('wasm', () =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: tf.zeros([1, 5, 5, 1]), dy: tf.zeros([1, 1, 1, 1]) },
        { strides: 1, pad: 'valid', dilations: [2, 2], filterShape: [3, 3, 1, 1] },
      ) as tf.Tensor,
    );
    await expect(attempt).rejects.toThrow(BackendError);
    await expect(attempt).rejects.toThrow(/DepthwiseConv2dNativeBackpropFilter.*dilations \[1, 1\] only, got \[2, 2\]/);
  });
});
