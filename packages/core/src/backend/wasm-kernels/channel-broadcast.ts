import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';

/**
 * x + c and x · c for a float32 x [..., C] and a channel vector c (shape [C] or [1, …, 1, C], C a
 * multiple of 4), in either order: a conv's bias, a FiLM layer's scale and shift. The stock
 * kernels take ~3x longer on this broadcast than on equal shapes; the SIMD kernel streams x once.
 * Everything else goes to the stock kernel.
 */
function channelBroadcast(kernelName: 'Add' | 'Multiply'): KernelFunc {
  return (args) => {
    const { inputs, backend } = args;
    const wasm = backend as BackendWasm;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const [big, row] = util.sizeFromShape(a.shape) >= util.sizeFromShape(b.shape) ? [a, b] : [b, a];
    const channels = big.shape[big.shape.length - 1] ?? 0;
    const rowShaped = row.shape.length >= 1 && row.shape.length <= big.shape.length && row.shape[row.shape.length - 1] === channels &&
      row.shape.slice(0, -1).every((d) => d === 1);
    const kernels = simdKernels(wasm);
    if (!rowShaped || channels % 4 !== 0 || channels === 0 || a.dtype !== 'float32' || b.dtype !== 'float32' || kernels === undefined) {
      return stockWasmKernel(kernelName).kernelFunc(args) as TensorInfo;
    }
    const out = wasm.makeOutput(big.shape, 'float32');
    const rows = util.sizeFromShape(big.shape) / channels;
    if (rows > 0) {
      const combine = kernelName === 'Add' ? kernels.addRow : kernels.mulRow;
      combine(heapAddress(wasm, big), heapAddress(wasm, row), heapAddress(wasm, out), rows, channels);
    }
    return out;
  };
}

export const addConfig: KernelConfig = { kernelName: 'Add', backendName: 'wasm', kernelFunc: channelBroadcast('Add') };
export const multiplyConfig: KernelConfig = { kernelName: 'Multiply', backendName: 'wasm', kernelFunc: channelBroadcast('Multiply') };
