import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors.js';
import { compareBackends, ensureBackendRegistered } from '../backend-comparison.js';
import { initBackend } from '../init-backend.js';
import {
  FASTER_WASM_KERNELS,
  MISSING_WASM_KERNELS,
  activeWasmTrainingKernels,
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
} from './register-wasm-training-kernels.js';

const ALL = [...MISSING_WASM_KERNELS, ...FASTER_WASM_KERNELS].map((config) => config.kernelName);

afterEach(() => {
  registerWasmTrainingKernels();
});

describe('registerWasmTrainingKernels', () => {
  beforeAll(() => ensureBackendRegistered('wasm'));

  it('is done by initBackend when it picks wasm: every missing gradient and faster kernel is ours', async () => {
    const report = await initBackend();
    if (report.name !== 'wasm') return;
    expect(activeWasmTrainingKernels()).toEqual(ALL);
    for (const name of ALL) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('is idempotent', () => {
    const before = ALL.map((name) => tf.getKernel(name, 'wasm'));
    expect(registerWasmTrainingKernels()).toEqual(ALL);
    expect(registerWasmTrainingKernels()).toEqual(ALL);
    expect(ALL.map((name) => tf.getKernel(name, 'wasm'))).toEqual(before);
  });

  it('unregistering puts the stock kernels back and removes the added ones; registering again swaps them out', () => {
    unregisterWasmTrainingKernels();
    expect(activeWasmTrainingKernels()).toEqual([]);
    for (const config of MISSING_WASM_KERNELS) expect(tf.getKernel(config.kernelName, 'wasm')).toBeUndefined();
    const stock = FASTER_WASM_KERNELS.map((config) => tf.getKernel(config.kernelName, 'wasm'));
    for (const [index, config] of FASTER_WASM_KERNELS.entries()) {
      expect(stock[index]).toBeDefined();
      expect(stock[index]?.kernelFunc).not.toBe(config.kernelFunc);
    }
    registerWasmTrainingKernels();
    registerWasmTrainingKernels();
    unregisterWasmTrainingKernels();
    expect(FASTER_WASM_KERNELS.map((config) => tf.getKernel(config.kernelName, 'wasm'))).toEqual(stock);
  });

  it('leaves the restored stock kernels working, though the backend was set up with ours in place', async () => {
    unregisterWasmTrainingKernels();
    const result = await compareBackends(() => {
      const x = tf.tensor4d(Array.from({ length: 2 * 6 * 6 * 2 }, (_, i) => Math.sin(i)), [2, 6, 6, 2]);
      const filter = tf.tensor4d(Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.cos(i)), [3, 3, 2, 3]);
      // ReLU first: the stock MaxPoolGrad misroutes windows whose maximum is negative (see max-pool-grad.test.ts).
      const loss = (input: tf.Tensor) => tf.sum(tf.maxPool(tf.relu(tf.conv2d(input as tf.Tensor4D, filter, 1, 'same')), 2, 2, 'valid'));
      return tf.grad(loss)(x);
    });
    expect(result.difference).toBeLessThan(1e-5);
  });

  it('registers a chosen subset, e.g. the minimum a CNN needs to train', () => {
    unregisterWasmTrainingKernels();
    expect(registerWasmTrainingKernels({ kernels: ['Conv2DBackpropFilter'] })).toEqual(['Conv2DBackpropFilter']);
  });

  it('rejects an unknown kernel name, listing the known ones', () => {
    expect(() => registerWasmTrainingKernels({ kernels: ['Conv3D'] })).toThrow(InvalidArgumentError);
    expect(() => registerWasmTrainingKernels({ kernels: ['Conv3D'] })).toThrow(/names among Conv2DBackpropFilter, .*_FusedMatMul, Sum, Identity, Cast, Add, Multiply, PadV2, Conv2D, Transpose, got "Conv3D"/);
  });
});
