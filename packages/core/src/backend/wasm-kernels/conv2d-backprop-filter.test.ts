import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../rng.js';
import { compareBackends, ensureBackendRegistered, runOnBackend } from '../backend-comparison.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';

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
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' }, // x has a row and column no window reads
  { x: [2, 6, 7, 2], filter: [3, 2, 2, 2], strides: [2, 1], pad: 'same' },
  { x: [1, 5, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]] },
  // Stride 1, Cout a multiple of 4: the SIMD path (runs of fw·Cin that are and are not a multiple of 4).
  { x: [2, 7, 6, 1], filter: [3, 3, 1, 8], strides: 1, pad: 'same' },
  { x: [3, 9, 8, 4], filter: [3, 3, 4, 4], strides: 1, pad: 'same' },
  { x: [2, 6, 9, 3], filter: [2, 3, 3, 12], strides: 1, pad: 'valid' },
  { x: [2, 9, 9, 2], filter: [3, 2, 2, 4], strides: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [1, 5, 5, 5], filter: [1, 1, 5, 4], strides: 1, pad: 'valid' },
  { x: [4, 14, 12, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' }, // positions over one chunk
];

function seeded(shape: number[], seed: number): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

const conv = (x: tf.Tensor, w: tf.Tensor, c: ConvCase) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad);

describe('wasm Conv2DBackpropFilter', () => {
  // These test the wasm kernels whichever backend the suite runs on (METRICOPT_BACKEND may force cpu).
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('is registered for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm').kernelFunc).toBe(conv2dBackpropFilterConfig.kernelFunc);
  });

  it.each(CASES)('gives the cpu gradient of conv2d w.r.t. the filter: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const weights = seeded(conv(seeded(c.x, 1), seeded(c.filter, 2), c).shape, 3);
      const loss = (w: tf.Tensor) => tf.sum(tf.mul(conv(seeded(c.x, 1), w, c), weights));
      return [conv(seeded(c.x, 1), seeded(c.filter, 2), c), tf.grad(loss)(seeded(c.filter, 2))];
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it.each(CASES)('called directly, matches the cpu kernel: x $x, filter $filter, strides $strides, pad $pad', async (c) => {
    const result = await compareBackends(() => {
      const x = seeded(c.x, 4);
      const dy = seeded(conv(x, seeded(c.filter, 5), c).shape, 6);
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
      return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('takes NCHW inputs too', async () => {
    const result = await compareBackends(() => {
      const x = seeded([2, 5, 7, 3], 7);
      const dy = seeded([2, 3, 4, 4], 8);
      const attrs = { strides: 2, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 2, 3, 4] };
      const inputs = { x: tf.transpose(x, [0, 3, 1, 2]), dy: tf.transpose(dy, [0, 3, 1, 2]) };
      return tf.engine().runKernel('Conv2DBackpropFilter', inputs, attrs) as tf.Tensor;
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('agrees with a naive loop', async () => {
    const c = CASES[3]!;
    const [n, h, w, cin] = c.x;
    const [fh, fw, , cout] = c.filter;
    const [ho, wo, s] = [4, 2, 2];
    const run = await runOnBackend('wasm', () => {
      const x = seeded(c.x, 9);
      const dy = seeded([n, ho, wo, cout], 10);
      const attrs = { strides: s, pad: 'valid', dataFormat: 'NHWC', filterShape: c.filter };
      return [x, dy, tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor];
    });
    const [x, dy, dw] = run.outputs as [Float32Array, Float32Array, Float32Array];
    const expected = new Float32Array(fh * fw * cin * cout);
    for (let b = 0; b < n; b++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++)
          for (let kh = 0; kh < fh; kh++)
            for (let kw = 0; kw < fw; kw++)
              for (let i = 0; i < cin; i++)
                for (let o = 0; o < cout; o++) {
                  const xv = x[((b * h + oh * s + kh) * w + ow * s + kw) * cin + i]!;
                  expected[((kh * fw + kw) * cin + i) * cout + o]! += xv * dy[((b * ho + oh) * wo + ow) * cout + o]!;
                }
    expect(run.shapes[2]).toEqual(c.filter);
    for (let i = 0; i < expected.length; i++) expect(dw[i]).toBeCloseTo(expected[i]!, 4);
  });
});
