import { backend_util } from '@tensorflow/tfjs-core';
import type { Paddings } from './wasm-ops.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * Paddings (negative = crop) that turn an NHWC input of the forward conv into exactly the rows and
 * columns its windows read: `(out - 1) * stride + effectiveFilter` of them.
 */
export function windowPaddings(info: Conv2DInfo): Paddings {
  const rows = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight;
  const cols = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth;
  return [
    [0, 0],
    [info.padInfo.top, rows - info.inHeight - info.padInfo.top],
    [info.padInfo.left, cols - info.inWidth - info.padInfo.left],
    [0, 0],
  ];
}

/**
 * Paddings (negative = crop) of the stride-dilated dy, `[N, outHeight * strideHeight,
 * outWidth * strideWidth, C]`, so that a stride-1 'valid' correlation with the spatially reversed
 * filter yields the input gradient of size `[inHeight, inWidth]`.
 */
export function transposedConvPaddings(info: Conv2DInfo): Paddings {
  const top = info.filterHeight - 1 - info.padInfo.top;
  const left = info.filterWidth - 1 - info.padInfo.left;
  return [
    [0, 0],
    [top, info.inHeight + info.padInfo.top - info.outHeight * info.strideHeight],
    [left, info.inWidth + info.padInfo.left - info.outWidth * info.strideWidth],
    [0, 0],
  ];
}
