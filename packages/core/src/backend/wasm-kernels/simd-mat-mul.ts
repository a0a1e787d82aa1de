import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { swapInnerAxes, withTemporaries } from './wasm-ops.js';

/** Depth per kernel call and columns per panel: the panel of b a call streams stays in L1/L2. */
const DEPTH_CHUNK = 256;
const COLUMN_PANEL = 128;

/**
 * A float32 matMul of matrices or rank-3 batches (either batch may be 1) as the SIMD kernels gemm /
 * gemmT, reading a as it lies (transposed or not); a transposed b is transposed explicitly first.
 * The output's inner sizes must be multiples of 4; undefined otherwise or where the engine cannot
 * run the kernels, for the caller's portable path. In training, where b (the weights) is new every
 * step, this is 2–3x faster than the stock kernel, which repacks b for XNNPACK on every call.
 */
export function simdMatMul(wasm: BackendWasm, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  const kernels = simdKernels(wasm);
  const rank = a.shape.length;
  if (kernels === undefined || rank < 2 || rank > 3 || b.shape.length !== rank || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  // Rank 2 (as tf.matMul passes matrices) is a batch of one.
  const [batchA = 0, a1 = 0, a2 = 0] = rank === 3 ? a.shape : [1, ...a.shape];
  const [batchB = 0, b1 = 0, b2 = 0] = rank === 3 ? b.shape : [1, ...b.shape];
  const [rows, depth] = transposeA ? [a2, a1] : [a1, a2];
  const [depthB, cols] = transposeB ? [b2, b1] : [b1, b2];
  const batch = Math.max(batchA, batchB);
  const fits = depth === depthB && depth > 0 && rows > 0 && cols > 0 && rows % 4 === 0 && cols % 4 === 0 &&
    (batchA === batchB || batchA === 1 || batchB === 1);
  if (!fits) return undefined;
  return withTemporaries(wasm, (temp) => {
    const plainB = transposeB ? temp(swapInnerAxes(wasm, b)) : b;
    const out = wasm.makeOutput(rank === 3 ? [batch, rows, cols] : [rows, cols], 'float32');
    const [pa, pb, po] = [heapAddress(wasm, a), heapAddress(wasm, plainB), heapAddress(wasm, out)];
    const product = transposeA ? kernels.gemmT : kernels.gemm;
    // Transposed, a[k][i] steps a row (rows floats) per k; row-major, a[i][k] steps depth floats per row.
    const lda = (transposeA ? rows : depth) * 4;
    const kStep = transposeA ? rows * 4 : 4;
    for (let n = 0; n < batch; n++) {
      const a0 = pa + (batchA === 1 ? 0 : n * rows * depth * 4);
      const b0 = pb + (batchB === 1 ? 0 : n * depth * cols * 4);
      const o0 = po + n * rows * cols * 4;
      for (let j = 0; j < cols; j += COLUMN_PANEL) {
        const panel = Math.min(COLUMN_PANEL, cols - j);
        for (let k = 0; k < depth; k += DEPTH_CHUNK) {
          product(a0 + k * kStep, lda, b0 + (k * cols + j) * 4, cols * 4, o0 + j * 4, cols * 4, rows, panel,
            Math.min(DEPTH_CHUNK, depth - k), 1, 0, 0, k === 0 ? 0 : 1);
        }
      }
    }
    return out;
  });
}
