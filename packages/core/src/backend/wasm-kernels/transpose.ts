import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * Swapping the last two axes of a float32 or int32 tensor whose last two sizes are multiples of 4
 * (a weight matrix for a·bᵀ, a filter's in/out channels) runs as the SIMD kernel, 4×4 blocks at a
 * time; the stock kernel moves one element at a time. Other permutations go to the stock kernel.
 */
function transpose(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const { perm } = attrs as unknown as { perm: number[] };
  const rank = x.shape.length;
  const swapsInner = rank >= 2 && perm.length === rank &&
    perm.every((axis, i) => axis === (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
  const [rows = 0, cols = 0] = x.shape.slice(-2);
  const kernels = simdKernels(wasm);
  if (!swapsInner || rows % 4 !== 0 || cols % 4 !== 0 || rows === 0 || cols === 0 || (x.dtype !== 'float32' && x.dtype !== 'int32') ||
    kernels === undefined) {
    return stockWasmKernel('Transpose').kernelFunc(args) as TensorInfo;
  }
  const out = wasm.makeOutput(perm.map((axis) => x.shape[axis]!), x.dtype);
  const [px, po] = [heapAddress(wasm, x), heapAddress(wasm, out)];
  const matrices = util.sizeFromShape(x.shape.slice(0, -2));
  for (let m = 0; m < matrices; m++) kernels.transpose(px + m * rows * cols * 4, rows, cols, po + m * rows * cols * 4);
  return out;
}

export const transposeConfig: KernelConfig = {
  kernelName: 'Transpose',
  backendName: 'wasm',
  kernelFunc: transpose,
};
