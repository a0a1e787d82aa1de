import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockWasmKernel } from './stock-wasm-kernels.js';
import { swapInnerAxes, withTemporaries } from './wasm-ops.js';

/**
 * Transposes a flagged operand explicitly and runs the stock kernel untransposed: the stock kernel
 * hands only a·b to XNNPACK and loops by hand otherwise, ~5–10x slower — and every dense layer's
 * gradient is a·bᵀ and aᵀ·b.
 */
function batchMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
  const stock = stockWasmKernel('BatchMatMul');
  if (transposeA !== true && transposeB !== true) return stock.kernelFunc(args) as TensorInfo;
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  return withTemporaries(wasm, (temp) => {
    const plainA = transposeA === true ? temp(swapInnerAxes(wasm, a)) : a;
    const plainB = transposeB === true ? temp(swapInnerAxes(wasm, b)) : b;
    const untransposed = { ...attrs, transposeA: false, transposeB: false };
    return stock.kernelFunc({ inputs: { a: plainA, b: plainB }, backend, attrs: untransposed }) as TensorInfo;
  });
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
