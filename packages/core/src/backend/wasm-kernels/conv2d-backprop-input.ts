import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposedConvPaddings } from './conv-geometry.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';
import { conv2d, convOperand, dilateSpatially, reverse, transpose, withTemporaries } from './wasm-ops.js';

interface Conv2DBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * dx = a stride-1 'valid' conv2d of the (stride-dilated, padded) dy with the spatially reversed,
 * in/out-swapped filter, so XNNPACK does the work; the stock wasm kernel is a plain loop ~10x slower
 * than the forward conv. NCHW goes to the stock kernel.
 */
function conv2dBackpropInput(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC');
  if (format === 'channelsFirst') return stockWasmKernel('Conv2DBackpropInput').kernelFunc(args) as TensorInfo;
  const info = backend_util.computeConv2DInfo(
    inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, format,
  );
  return withTemporaries(wasm, (temp) => {
    const flipped = temp(reverse(wasm, filter, [0, 1]));
    const swapped = temp(transpose(wasm, flipped, [0, 1, 3, 2]));
    const spread = temp(dilateSpatially(wasm, dy, [info.strideHeight, info.strideWidth]));
    const { input, pad } = convOperand(wasm, spread, transposedConvPaddings(info), temp);
    return conv2d(wasm, input, swapped, { pad });
  });
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
