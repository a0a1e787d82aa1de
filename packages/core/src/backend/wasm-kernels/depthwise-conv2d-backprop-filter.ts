import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../../errors.js';
import { windowPaddings } from './conv-geometry.js';
import { convOperand, depthwiseConv2d, reshape, sum, transpose, withTemporaries } from './wasm-ops.js';

interface DepthwiseBackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[kh, kw, ci, m] = Σ_{n, oh, ow} xpad[n, oh·s + kh, ow·s + kw, ci] · dy[n, oh, ow, ci·M + m]:
 * one depthwise conv over the Cin·N channels of x as [1, H, W, Cin·N], with dy as its
 * [Ho, Wo, Cin·N, M] filter dilated by the forward stride, then a sum over N.
 */
function depthwiseConv2dBackpropFilter({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dilations, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseBackpropFilterAttrs;
  assertUndilated('DepthwiseConv2dNativeBackpropFilter', dilations);
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, true,
  );
  const [filterHeight, filterWidth, inChannels, multiplier] = filterShape;
  const batch = info.batchSize;
  return withTemporaries(wasm, (temp) => {
    const xChannelMajor = temp(transpose(wasm, x, [1, 2, 3, 0]));
    const xAsImage = temp(reshape(wasm, xChannelMajor, [1, info.inHeight, info.inWidth, inChannels * batch]));
    const { input, pad } = convOperand(wasm, xAsImage, windowPaddings(info), temp);
    const dySplit = temp(reshape(wasm, dy, [batch, info.outHeight, info.outWidth, inChannels, multiplier]));
    const dyChannelMajor = temp(transpose(wasm, dySplit, [1, 2, 3, 0, 4]));
    const dyAsFilter = temp(reshape(wasm, dyChannelMajor, [info.outHeight, info.outWidth, inChannels * batch, multiplier]));
    const perImage = temp(
      depthwiseConv2d(wasm, input, dyAsFilter, { dilations: [info.strideHeight, info.strideWidth], pad }),
    );
    const split = temp(reshape(wasm, perImage, [filterHeight, filterWidth, inChannels, batch, multiplier]));
    return sum(wasm, split, [3]);
  });
}

/** Dilated depthwise gradients are refused by tfjs's gradient too; this names the kernel that got one. */
export function assertUndilated(kernelName: string, dilations: number | [number, number] | undefined): void {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : (dilations ?? [1, 1]);
  if (dh !== 1 || dw !== 1) {
    throw new BackendError(`the wasm ${kernelName} kernel supports dilations [1, 1] only, got [${dh}, ${dw}]`);
  }
}

export const depthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter,
};
