import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * A cast to the dtype a tensor already has shares its data (as Identity does) where the stock
 * kernel copies it: every ReLU gradient casts a float32 step to float32. Other casts go to the
 * stock kernel.
 */
function cast(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: TensorInfo };
  const { dtype } = attrs as { dtype: string };
  if (dtype !== x.dtype || x.dtype === 'string') return stockWasmKernel('Cast').kernelFunc(args) as TensorInfo;
  (backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const castConfig: KernelConfig = {
  kernelName: 'Cast',
  backendName: 'wasm',
  kernelFunc: cast,
};
