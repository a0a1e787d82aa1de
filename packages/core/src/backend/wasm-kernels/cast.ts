import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { shareData } from './identity.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * A cast to the dtype a tensor already has shares its data (as Identity does) where the stock
 * kernel copies it: every ReLU gradient casts a float32 step to float32. A cast of numbers to bool
 * gives 1 wherever the value is not 0, as the cpu backend does (the stock kernel truncates to a
 * byte: 2 stays 2, −1 becomes 255). Other casts go to the stock kernel.
 */
function cast(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: TensorInfo };
  const { dtype } = attrs as { dtype: string };
  if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) {
    const wasm = backend as BackendWasm;
    const out = wasm.makeOutput(x.shape, 'bool');
    const from = wasm.typedArrayFromHeap(x);
    const to = wasm.typedArrayFromHeap(out);
    for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
    return out;
  }
  if (dtype !== x.dtype || x.dtype === 'string') return stockWasmKernel('Cast').kernelFunc(args) as TensorInfo;
  return shareData(backend as BackendWasm, x);
}

export const castConfig: KernelConfig = {
  kernelName: 'Cast',
  backendName: 'wasm',
  kernelFunc: cast,
};
