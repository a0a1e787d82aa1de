import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { windowPaddings } from './conv-geometry.js';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { stockWasmKernel } from './stock-wasm-kernels.js';
import { pad, withTemporaries } from './wasm-ops.js';

interface Conv2DAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * An NHWC float32 conv as one SIMD product per output row (gemm): with x padded to the window
 * grid [N, Hp, Wp, Cin], output row (n, oh) is
 *
 *   y[ow][co] = Σ_{kh} Σ_{q < fw·Cin} xpad[((n·Hp + oh·sh + kh)·Wp + ow·sw)·Cin + q] · W[kh][q][co]
 *
 * a product whose rows (ow) are sw·Cin floats apart and whose depth runs over fh blocks of fw·Cin
 * contiguous floats, one x row apart; the filter is read as it lies. ~15–25% faster than the stock
 * kernel (XNNPACK) on a small CNN's convs, which also serve Conv2DBackpropInput. Dilated, NCHW, or
 * output widths and channel counts that are not multiples of 4 go to the stock kernel.
 */
function conv2d(args: Parameters<KernelFunc>[0]): TensorInfo {
  const { inputs, backend, attrs } = args;
  const wasm = backend as BackendWasm;
  const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
  const { strides, pad: padding, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
  const kernels = simdKernels(wasm);
  const format = backend_util.convertConv2DDataFormat(dataFormat ?? 'NHWC');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], strides, dilations ?? 1,
    padding, dimRoundingMode, false, format,
  );
  const fits = kernels !== undefined && format === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    info.outWidth % 4 === 0 && info.outChannels % 4 === 0 && x.dtype === 'float32' && filter.dtype === 'float32' &&
    info.outHeight > 0 && info.outWidth > 0 && info.inChannels > 0;
  if (!fits) return stockWasmKernel('Conv2D').kernelFunc(args) as TensorInfo;
  const { batchSize, outHeight, outWidth, inChannels: cin, outChannels: cout, filterHeight: fh, filterWidth: fw } = info;
  // Windows never read past (out − 1)·stride + filter: rows and columns beyond are simply not read.
  const paddings = windowPaddings(info).map(([before, after]) => [Math.max(0, before), Math.max(0, after)] as [number, number]);
  return withTemporaries(wasm, (temp) => {
    const padded = paddings.some(([before, after]) => before > 0 || after > 0) ? temp(pad(wasm, x, paddings)) : x;
    const [, hp = 0, wp = 0] = padded.shape;
    const out = wasm.makeOutput([batchSize, outHeight, outWidth, cout], 'float32');
    const [px, pw, po] = [heapAddress(wasm, padded), heapAddress(wasm, filter), heapAddress(wasm, out)];
    const run = fw * cin;
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh++) {
        kernels.gemm(px + (n * hp + oh * info.strideHeight) * wp * cin * 4, info.strideWidth * cin * 4, pw, cout * 4,
          po + (n * outHeight + oh) * outWidth * cout * 4, cout * 4, outWidth, cout, run, fh, (wp * cin - run) * 4, 0, 0);
      }
    }
    return out;
  });
}

export const conv2dConfig: KernelConfig = {
  kernelName: 'Conv2D',
  backendName: 'wasm',
  kernelFunc: conv2d,
};
