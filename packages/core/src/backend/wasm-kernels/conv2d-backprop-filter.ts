import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdConv2dBackpropFilter } from './conv2d-backprop-filter-simd.js';
import { windowPaddings } from './conv-geometry.js';
import { conv2d, convOperand, transpose, withTemporaries } from './wasm-ops.js';

interface Conv2DBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} xpad[n, oh·s + kh, ow·s + kw, ci] · dy[n, oh, ow, co]: one
 * 'valid' conv2d that treats the batch as the channel axis, with x as [Cin, H, W, N] and dy as the
 * filter [Ho, Wo, N, Cout] dilated by the forward stride. Stride-1 NHWC convs with Cout a multiple
 * of 4 (most of a CNN's) take the SIMD path of conv2d-backprop-filter-simd.ts instead, ~3x faster.
 */
function conv2dBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, format,
  );
  if (format === 'channelsLast') {
    const fast = simdConv2dBackpropFilter(wasm, x, dy, info);
    if (fast !== undefined) return fast;
  }
  return withTemporaries(wasm, (temp) => {
    const xNhwc = format === 'channelsFirst' ? temp(transpose(wasm, x, [0, 2, 3, 1])) : x;
    const dyNhwc = format === 'channelsFirst' ? temp(transpose(wasm, dy, [0, 2, 3, 1])) : dy;
    // Transposing keeps H and W as the spatial axes, so x's padding can be the conv's own.
    const xByChannel = temp(transpose(wasm, xNhwc, [3, 1, 2, 0]));
    const { input, pad } = convOperand(wasm, xByChannel, windowPaddings(info), temp);
    const dyAsFilter = temp(transpose(wasm, dyNhwc, [1, 2, 0, 3]));
    const dwByChannel = temp(conv2d(wasm, input, dyAsFilter, { dilations: [info.strideHeight, info.strideWidth], pad }));
    return transpose(wasm, dwByChannel, [1, 2, 0, 3]);
  });
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
