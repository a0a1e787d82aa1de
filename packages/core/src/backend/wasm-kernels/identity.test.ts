import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBackends, ensureBackendRegistered, runOnBackend } from '../backend-comparison.js';
import { castConfig } from './cast.js';
import { identityConfig } from './identity.js';

describe('wasm Identity and Cast (MetricOpt replacements sharing data)', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('replace the stock wasm kernels', () => {
    expect(tf.getKernel('Identity', 'wasm').kernelFunc).toBe(identityConfig.kernelFunc);
    expect(tf.getKernel('Cast', 'wasm').kernelFunc).toBe(castConfig.kernelFunc);
  });

  it('cast to the same dtype shares, to another converts as the cpu backend does', async () => {
    const result = await compareBackends(() => {
      const x = tf.tensor([-1.5, 0, 2.7, 3], [2, 2]);
      const same = tf.cast(x, 'float32');
      x.dispose();
      const ints = tf.cast(tf.tensor([-1.5, 0.2, 2.7, 3]), 'int32');
      return [same, ints, tf.cast(ints, 'int32'), tf.cast(tf.tensor([true, false], undefined, 'bool'), 'float32')];
    });
    expect(result).toMatchObject({ shapesMatch: true, difference: 0, leaked: { tensors: 0, buffers: 0 } });
  });

  it('casts numbers to bool as the cpu backend does: 1 wherever the value is not 0', async () => {
    const run = await runOnBackend('wasm', () => [
      tf.cast(tf.tensor([0, 2, -1, 0.5, -0]), 'bool'),
      tf.cast(tf.tensor([0, 3, -7], undefined, 'int32'), 'bool'),
      tf.cast(tf.tensor([], [0]), 'bool'),
    ]);
    expect(run.outputs.map((o) => Array.from(o))).toEqual([[0, 1, 1, 1, 0], [0, 1, 1], []]);
    expect(run).toMatchObject({ leakedTensors: 0, leakedBuffers: 0 });
  });

  it('gives a clone that outlives its source and does not follow a variable it was taken from', async () => {
    const run = await runOnBackend('wasm', () => {
      const source = tf.tensor([1, 2, 3, 4], [2, 2]);
      const copy = tf.clone(source);
      source.dispose();
      const v = tf.variable(tf.tensor([5, 6]));
      const before = tf.clone(v);
      v.assign(tf.tensor([7, 8]));
      const after = tf.clone(v);
      v.dispose();
      return [copy, before, after, tf.clone(tf.tensor(['a'])).shape.length === 1 ? tf.scalar(1) : tf.scalar(0)];
    });
    expect(run.outputs.map((o) => Array.from(o))).toEqual([[1, 2, 3, 4], [5, 6], [7, 8], [1]]);
    expect(run).toMatchObject({ leakedTensors: 0, leakedBuffers: 0 });
  });

  it('keeps gradients that save their inputs (mul, relu, conv2d) equal to the cpu ones', async () => {
    const result = await compareBackends(() => {
      const x = tf.reshape(tf.linspace(-2, 2, 2 * 5 * 5 * 4), [2, 5, 5, 4]);
      const w = tf.reshape(tf.linspace(-1, 1, 3 * 3 * 4 * 4), [3, 3, 4, 4]);
      const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')), a));
      return tf.grads(f)([x, w]);
    });
    expect(result).toMatchObject({ shapesMatch: true, leaked: { tensors: 0, buffers: 0 } });
    expect(result.difference).toBeLessThan(1e-5);
  });
});
