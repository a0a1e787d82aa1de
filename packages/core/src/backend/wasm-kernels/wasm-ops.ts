import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BackendError } from '../../errors.js';

/**
 * Typed calls of kernels registered for the wasm backend, on TensorInfos, for use inside other
 * wasm kernels: they bypass the engine (no tape, no tensor tracking), so every result is owned by
 * the caller, who releases it with `backend.disposeData(info.dataId)` or through `withTemporaries`.
 */
export function runWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: object = {},
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new BackendError(`the wasm kernel '${kernelName}' is not registered`);
  // Kernel attrs are loosely typed in tfjs-core (nested arrays are not in its Attribute union).
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as NamedAttrMap });
  if (Array.isArray(out)) throw new BackendError(`the wasm kernel '${kernelName}' returned several outputs, one expected`);
  return out;
}

/**
 * Runs `body` with a `temp` marker; every TensorInfo passed through `temp` is released when `body`
 * returns or throws, so only the result survives.
 */
export function withTemporaries<T>(backend: BackendWasm, body: (temp: (info: TensorInfo) => TensorInfo) => T): T {
  const temporaries: TensorInfo[] = [];
  try {
    return body((info) => {
      temporaries.push(info);
      return info;
    });
  } finally {
    for (const info of temporaries) backend.disposeData(info.dataId);
  }
}

export type Paddings = Array<[number, number]>;

export function pad(backend: BackendWasm, x: TensorInfo, paddings: Paddings): TensorInfo {
  return runWasmKernel(backend, 'PadV2', { x }, { paddings, constantValue: 0 });
}

export function slice(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  return runWasmKernel(backend, 'Slice', { x }, { begin, size });
}

/**
 * Pads where `paddings` are positive and crops where they are negative (so `[-1, 2]` drops the
 * first row and appends two zero rows).
 */
export function padOrCrop(backend: BackendWasm, x: TensorInfo, paddings: Paddings): TensorInfo {
  const needsCrop = paddings.some(([before, after]) => before < 0 || after < 0);
  const needsPad = paddings.some(([before, after]) => before > 0 || after > 0);
  if (!needsCrop) return needsPad ? pad(backend, x, paddings) : identity(backend, x);
  return withTemporaries(backend, (temp) => {
    const begin = paddings.map(([before]) => Math.max(0, -before));
    const size = x.shape.map((dim, axis) => {
      const [before, after] = paddings[axis] ?? [0, 0];
      return dim + Math.min(0, before) + Math.min(0, after);
    });
    const cropped = slice(backend, x, begin, size);
    if (!needsPad) return cropped;
    temp(cropped);
    const positive: Paddings = paddings.map(([before, after]) => [Math.max(0, before), Math.max(0, after)]);
    return pad(backend, cropped, positive);
  });
}

export function transpose(backend: BackendWasm, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel(backend, 'Transpose', { x }, { perm });
}

export function reshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel(backend, 'Reshape', { x }, { shape });
}

export function identity(backend: BackendWasm, x: TensorInfo): TensorInfo {
  return runWasmKernel(backend, 'Identity', { x });
}

export function reverse(backend: BackendWasm, x: TensorInfo, dims: number[]): TensorInfo {
  return runWasmKernel(backend, 'Reverse', { x }, { dims });
}

export function sum(backend: BackendWasm, x: TensorInfo, axis: number[]): TensorInfo {
  return runWasmKernel(backend, 'Sum', { x }, { axis, keepDims: false });
}

export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** An NHWC conv2d with a [fh, fw, in, out] filter: stride 1 when dilated (XNNPACK's rule, like tfjs's). */
export function conv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  options: { strides?: number; dilations?: [number, number]; pad: 'valid' | 'same' | ExplicitPadding },
): TensorInfo {
  const strides = options.strides ?? 1;
  return runWasmKernel(backend, 'Conv2D', { x, filter }, {
    strides: [strides, strides],
    pad: options.pad,
    dataFormat: 'NHWC',
    dilations: options.dilations ?? [1, 1],
    dimRoundingMode: undefined,
  });
}

/** An NHWC depthwise conv2d with a [fh, fw, in, multiplier] filter. */
export function depthwiseConv2d(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  options: { dilations?: [number, number]; pad: 'valid' | ExplicitPadding },
): TensorInfo {
  return runWasmKernel(backend, 'DepthwiseConv2dNative', { x, filter }, {
    strides: [1, 1],
    pad: options.pad,
    dilations: options.dilations ?? [1, 1],
    dimRoundingMode: undefined,
  });
}

/**
 * Spreads the rows and columns of an NHWC tensor `stride` apart, zeros between, with `stride - 1`
 * zero rows/columns after the last one too: [N, H, W, C] → [N, H·sh, W·sw, C].
 */
export function dilateSpatially(backend: BackendWasm, x: TensorInfo, [strideHeight, strideWidth]: [number, number]): TensorInfo {
  const [n = 1, h = 1, w = 1, c = 1] = x.shape;
  if (strideHeight === 1 && strideWidth === 1) return identity(backend, x);
  return withTemporaries(backend, (temp) => {
    // Two rank-3 pads: rows first as [N·H, 1, W·C], then columns as [N·H·sh·W, 1, C].
    const rows = temp(reshape(backend, x, [n * h, 1, w * c]));
    const rowsSpread = temp(pad(backend, rows, [[0, 0], [0, strideHeight - 1], [0, 0]]));
    const cols = temp(reshape(backend, rowsSpread, [n * h * strideHeight * w, 1, c]));
    const colsSpread = temp(pad(backend, cols, [[0, 0], [0, strideWidth - 1], [0, 0]]));
    return reshape(backend, colsSpread, [n, h * strideHeight, w * strideWidth, c]);
  });
}

/** The matrix transpose of every matrix in a batch: swaps the last two axes. */
export function swapInnerAxes(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, axis) => (axis === rank - 2 ? rank - 1 : axis === rank - 1 ? rank - 2 : axis));
  return transpose(backend, x, perm);
}

/**
 * The operand and `pad` for a stride-1 conv whose input needs `paddings` (negative = crop) on its
 * spatial axes: explicit padding when none is negative, which XNNPACK applies for free; otherwise
 * a padded/cropped copy (registered with `temp`) and 'valid'.
 */
export function convOperand(
  backend: BackendWasm,
  x: TensorInfo,
  paddings: Paddings,
  temp: (info: TensorInfo) => TensorInfo,
): { input: TensorInfo; pad: 'valid' | ExplicitPadding } {
  if (paddings.every(([before, after]) => before >= 0 && after >= 0)) {
    return { input: x, pad: paddings as ExplicitPadding };
  }
  return { input: temp(padOrCrop(backend, x, paddings)), pad: 'valid' };
}
