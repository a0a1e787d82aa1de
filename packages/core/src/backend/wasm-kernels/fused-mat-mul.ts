import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { stockWasmKernel } from './stock-wasm-kernels.js';
import { swapInnerAxes, withTemporaries } from './wasm-ops.js';

/** As `batch-mat-mul.ts`, for the fused matMul + bias + activation that dense layers run. */
function fusedMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { transposeA, transposeB } = attrs as { transposeA?: boolean; transposeB?: boolean };
  const stock = stockWasmKernel('_FusedMatMul');
  if (transposeA !== true && transposeB !== true) return stock.kernelFunc(args) as TensorInfo;
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  return withTemporaries(wasm, (temp) => {
    const plainA = transposeA === true ? temp(swapInnerAxes(wasm, a)) : a;
    const plainB = transposeB === true ? temp(swapInnerAxes(wasm, b)) : b;
    const untransposed = { ...attrs, transposeA: false, transposeB: false };
    return stock.kernelFunc({ inputs: { ...inputs, a: plainA, b: plainB }, backend, attrs: untransposed }) as TensorInfo;
  });
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: '_FusedMatMul',
  backendName: 'wasm',
  kernelFunc: fusedMatMul,
};
