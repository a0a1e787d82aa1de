import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { windowPaddings } from './conv-geometry.js';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { padOrCrop, withTemporaries } from './wasm-ops.js';

/** Output positions per kernel call, about: the panels of x and dy a call streams stay in L1/L2. */
const POSITIONS_PER_CALL = 256;

/**
 * The filter gradient of a stride-1 NHWC conv as products over output positions, reading x and
 * dy in place: with x padded to the window grid [N, Hp, Wp, Cin], filter row kh is
 *
 *   dW[kh][kw·Cin + ci][co] = Σ_{n, oh, ow} xpad[n, oh + kh, ow + kw, ci] · dy[n, oh, ow, co]
 *
 * and (kw, ci) → ((n·Hp + oh + kh)·Wp + ow)·Cin + kw·Cin + ci is one contiguous run per position:
 * per band of output rows and kh, one call of the SIMD kernel gemmT (a read transposed, Cin
 * floats per step, Wp − Wo pixels skipped at the end of every output row). No im2col, no transposes. Undefined when
 * the conv is not of this kind (stride or dilation > 1, Cout not a multiple of 4) or the engine
 * cannot run the kernel.
 */
export function simdConv2dBackpropFilter(
  wasm: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const kernels = simdKernels(wasm);
  const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout, outHeight, outWidth, batchSize } = info;
  const plain = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  if (kernels === undefined || !plain || cout % 4 !== 0 || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  const [, rowPad, colPad] = windowPaddings(info);
  const runLength = fw * cin;
  // A run that is not a multiple of 4 long is computed 4-padded into a scratch block: the extra
  // rows read the next pixel (past the last one: an extra zero image) and are dropped.
  const rows = Math.ceil(runLength / 4) * 4;
  return withTemporaries(wasm, (temp) => {
    const xPadded = temp(padOrCrop(wasm, x, [[0, rows === runLength ? 0 : 1], rowPad!, colPad!, [0, 0]]));
    const [, hp = 0, wp = 0] = xPadded.shape;
    const result = wasm.makeOutput([fh, fw, cin, cout], 'float32');
    const target = rows === runLength ? result : temp(wasm.makeOutput([fh, rows, cout], 'float32'));
    const [px, pdy, pout] = [heapAddress(wasm, xPadded), heapAddress(wasm, dy), heapAddress(wasm, target)];
    const band = Math.max(1, Math.floor(POSITIONS_PER_CALL / outWidth));
    for (let n = 0; n < batchSize; n++) {
      for (let oh = 0; oh < outHeight; oh += band) {
        const bandRows = Math.min(band, outHeight - oh);
        for (let kh = 0; kh < fh; kh++) {
          kernels.gemmT(px + ((n * hp + oh + kh) * wp) * cin * 4, cin * 4, pdy + (n * outHeight + oh) * outWidth * cout * 4, cout * 4,
            pout + kh * rows * cout * 4, cout * 4, rows, cout, outWidth, bandRows, (wp - outWidth) * cin * 4, 0, n === 0 && oh === 0 ? 0 : 1);
        }
      }
    }
    if (target !== result) {
      const from = wasm.typedArrayFromHeap(target);
      const to = wasm.typedArrayFromHeap(result);
      for (let kh = 0; kh < fh; kh++) to.set(from.subarray(kh * rows * cout, (kh * rows + runLength) * cout), kh * runLength * cout);
    }
    return result;
  });
}
