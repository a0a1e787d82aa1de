import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdMatMul } from './simd-mat-mul.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';
import { swapInnerAxes, withTemporaries } from './wasm-ops.js';

/**
 * float32 products whose output sizes are multiples of 4 (every dense layer's forward pass and
 * gradients, a·b, a·bᵀ and aᵀ·b) run as MetricOpt's SIMD kernels (simd-mat-mul.ts). Otherwise a
 * flagged operand is transposed explicitly and the stock kernel runs untransposed: it hands only
 * a·b to XNNPACK and loops by hand otherwise, ~5–10x slower.
 */
function batchMatMul(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { transposeA = false, transposeB = false } = attrs as { transposeA?: boolean; transposeB?: boolean };
  const wasm = backend as BackendWasm;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const fast = simdMatMul(wasm, a, b, transposeA, transposeB);
  if (fast !== undefined) return fast;
  const stock = stockWasmKernel('BatchMatMul');
  if (!transposeA && !transposeB) return stock.kernelFunc(args) as TensorInfo;
  return withTemporaries(wasm, (temp) => {
    const plainA = transposeA ? temp(swapInnerAxes(wasm, a)) : a;
    const plainB = transposeB ? temp(swapInnerAxes(wasm, b)) : b;
    const untransposed = { ...attrs, transposeA: false, transposeB: false };
    return stock.kernelFunc({ inputs: { a: plainA, b: plainB }, backend, attrs: untransposed }) as TensorInfo;
  });
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMul,
};
