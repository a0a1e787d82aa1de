import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposedConvPaddings } from './conv-geometry.js';
import { assertUndilated } from './depthwise-conv2d-backprop-filter.js';
import { convOperand, depthwiseConv2d, dilateSpatially, reshape, reverse, sum, withTemporaries } from './wasm-ops.js';

interface DepthwiseBackpropInputAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * dx = a stride-1 depthwise conv of the (stride-dilated, padded) dy over its Cin·M channels with
 * the spatially reversed filter as [fh, fw, Cin·M, 1], then a sum over the multiplier M.
 */
function depthwiseConv2dBackpropInput({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const { strides, pad, dilations, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseBackpropInputAttrs;
  assertUndilated('DepthwiseConv2dNativeBackpropInput', dilations);
  const filterShape = filter.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, true);
  const [filterHeight, filterWidth, inChannels, multiplier] = filterShape;
  return withTemporaries(wasm, (temp) => {
    const flipped = temp(reverse(wasm, filter, [0, 1]));
    const perChannel = temp(reshape(wasm, flipped, [filterHeight, filterWidth, inChannels * multiplier, 1]));
    const spread = temp(dilateSpatially(wasm, dy, [info.strideHeight, info.strideWidth]));
    const { input, pad } = convOperand(wasm, spread, transposedConvPaddings(info), temp);
    const dxPerOutput = temp(depthwiseConv2d(wasm, input, perChannel, { pad }));
    const split = temp(reshape(wasm, dxPerOutput, [info.batchSize, info.inHeight, info.inWidth, inChannels, multiplier]));
    return multiplier === 1 ? reshape(wasm, split, inputShape) : sum(wasm, split, [4]);
  });
}

export const depthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput,
};
