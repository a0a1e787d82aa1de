import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * Shares the data (one more reference, as Reshape and the cpu backend's Identity do) instead of
 * copying it: tfjs clones every tensor a gradient saves for the backward pass, ~10 full copies of
 * a CNN's activations per training step. Strings go to the stock kernel.
 */
function identity(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs as { x: TensorInfo };
  if (x.dtype === 'string') return stockWasmKernel('Identity').kernelFunc(args) as TensorInfo;
  return shareData(backend as BackendWasm, x);
}

/** A second tensor on `x`'s data (its reference count raised), where the stock kernels copy it. */
export function shareData(backend: BackendWasm, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: 'Identity',
  backendName: 'wasm',
  kernelFunc: identity,
};
