import { backend_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * A float32 sum over leading axes (a bias or FiLM gradient: [N, H, W, C] → [C]) as one pass of
 * column sums on the wasm heap; the stock kernel first transposes the summed axes to the end.
 * Anything else goes to the stock kernel.
 */
function sum(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const axes = util.parseAxisParam(axis, x.shape);
  const leading = axes.length > 0 && [...axes].sort((a, b) => a - b).every((a, i) => a === i);
  const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
  const cols = util.sizeFromShape(x.shape.slice(axes.length));
  const kernels = simdKernels(wasm);
  if (!leading || x.dtype !== 'float32' || cols % 4 !== 0 || rows === 0 || kernels === undefined) {
    return stockWasmKernel('Sum').kernelFunc(args) as TensorInfo;
  }
  const outShape = keepDims ? backend_util.expandShapeToKeepDim(x.shape.slice(axes.length), axes) : x.shape.slice(axes.length);
  const out = wasm.makeOutput(outShape, 'float32');
  kernels.colSum(heapAddress(wasm, x), rows, cols, heapAddress(wasm, out), 0);
  return out;
}

export const sumConfig: KernelConfig = {
  kernelName: 'Sum',
  backendName: 'wasm',
  kernelFunc: sum,
};
