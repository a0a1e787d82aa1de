import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, simdKernels } from './simd-kernels.js';

interface MaxPoolGradAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Routes each dy to the first maximum of its window (row-major, strictly greater, as the cpu kernel
 * picks it, so ties such as ReLU zeros go to one position): one pass over the windows on the wasm
 * heap, where the stock kernel loops over every (input, window) pair. Windows that tile the input
 * (the usual 2×2/2 pool) go to a SIMD kernel, 4 channels at a time.
 */
function maxPoolGrad({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm;
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  // Allocate first: growing the wasm heap detaches the typed-array views taken before.
  const dx = wasm.makeOutput(input.shape, 'float32');
  if (tilingWindows(info) && simdTiled(wasm, info, input, dy, dx)) return dx;
  const dxValues = wasm.typedArrayFromHeap(dx);
  const xValues = wasm.typedArrayFromHeap(input);
  const dyValues = wasm.typedArrayFromHeap(dy);
  dxValues.fill(0);
  const best = new Float64Array(channels);
  const where = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * info.strideHeight - info.padInfo.top;
      for (let ow = 0; ow < outWidth; ow++) {
        const colStart = ow * info.strideWidth - info.padInfo.left;
        best.fill(Number.NEGATIVE_INFINITY);
        where.fill(-1);
        for (let kh = 0; kh < info.filterHeight; kh++) {
          const row = rowStart + kh;
          if (row < 0 || row >= inHeight) continue;
          for (let kw = 0; kw < info.filterWidth; kw++) {
            const col = colStart + kw;
            if (col < 0 || col >= inWidth) continue;
            const base = ((b * inHeight + row) * inWidth + col) * channels;
            for (let c = 0; c < channels; c++) {
              const value = xValues[base + c]!;
              if (value > best[c]!) {
                best[c] = value;
                where[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          const at = where[c]!;
          if (at >= 0) dxValues[at]! += dyValues[dyBase + c]!;
        }
      }
    }
  }
  return dx;
}

/** Windows that tile the input: stride = filter size, no padding (a plain 2×2/2 pool). */
function tilingWindows(info: backend_util.Conv2DInfo): boolean {
  const { padInfo } = info;
  return info.strideHeight === info.filterHeight && info.strideWidth === info.filterWidth && info.dilationHeight === 1 &&
    info.dilationWidth === 1 && padInfo.top === 0 && padInfo.left === 0 && padInfo.bottom === 0 && padInfo.right === 0 &&
    info.inChannels % 4 === 0;
}

/** The SIMD kernel, one image at a time; false where this engine cannot run it. */
function simdTiled(wasm: BackendWasm, info: backend_util.Conv2DInfo, input: TensorInfo, dy: TensorInfo, dx: TensorInfo): boolean {
  const kernels = simdKernels(wasm);
  if (kernels === undefined) return false;
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  // Rows and columns past the last window get no gradient; the kernel writes every other position.
  if (outHeight * info.filterHeight < inHeight || outWidth * info.filterWidth < inWidth) wasm.typedArrayFromHeap(dx).fill(0);
  const [x0, dy0, dx0] = [heapAddress(wasm, input), heapAddress(wasm, dy), heapAddress(wasm, dx)];
  const imageBytes = inHeight * inWidth * channels * 4;
  const dyBytes = outHeight * outWidth * channels * 4;
  const kernel = info.filterHeight === 2 && info.filterWidth === 2 ? kernels.maxPoolGrad2x2 : kernels.maxPoolGrad;
  for (let b = 0; b < batchSize; b++) {
    kernel(x0 + b * imageBytes, dy0 + b * dyBytes, dx0 + b * imageBytes, outHeight, outWidth, channels, inWidth,
      info.filterHeight, info.filterWidth);
  }
  return true;
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
