import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { windowPaddings } from './conv-geometry.js';
import { heapAddress, simdKernels } from './simd-kernels.js';
import { pad, padOrCrop, withTemporaries } from './wasm-ops.js';

/** Positions per SIMD kernel call: the panels of x and dy it streams stay in the first cache levels. */
const POSITION_CHUNK = 256;

/**
 * The filter gradient of a stride-1 NHWC conv as products over positions, reading x in place:
 * with x padded to the window grid [N, Hp, Wp, Cin] and dy spread onto the same grid (zeros where
 * no window starts), filter row kh is
 *
 *   dW[kh][kw·Cin + ci][co] = Σ_p xpad[p + kh·Wp + kw][ci] · dypad[p][co]
 *
 * and (kw, ci) → (p + kh·Wp)·Cin + kw·Cin + ci is one contiguous run per position: a product with
 * the first operand transposed (the SIMD kernel gemmT), no im2col. Undefined when the conv is not
 * of this kind (stride > 1, Cout not a multiple of 4) or the engine cannot run the kernel.
 */
export function simdConv2dBackpropFilter(
  wasm: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  const kernels = simdKernels(wasm);
  const { filterHeight: fh, filterWidth: fw, inChannels: cin, outChannels: cout, outHeight, outWidth } = info;
  const plain = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
  if (kernels === undefined || !plain || cout % 4 !== 0 || x.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  const [, rowPad, colPad] = windowPaddings(info);
  return withTemporaries(wasm, (temp) => {
    // One extra zero image: the runs read up to a row of windows past the last position.
    const xPadded = temp(padOrCrop(wasm, x, [[0, 1], rowPad!, colPad!, [0, 0]]));
    const [, hp = 0, wp = 0] = xPadded.shape;
    const dyPadded = temp(pad(wasm, dy, [[0, 0], [0, hp - outHeight], [0, wp - outWidth], [0, 0]]));
    const runLength = fw * cin;
    const rows = Math.ceil(runLength / 4) * 4;
    // A run that is not a multiple of 4 long is computed 4-padded (the extra rows read the next
    // pixel and are dropped) into a scratch block.
    const result = wasm.makeOutput([fh, fw, cin, cout], 'float32');
    const target = rows === runLength ? result : temp(wasm.makeOutput([fh, rows, cout], 'float32'));
    const [px, pdy, pout] = [heapAddress(wasm, xPadded), heapAddress(wasm, dyPadded), heapAddress(wasm, target)];
    const positions = dy.shape[0]! * hp * wp;
    for (let p = 0; p < positions; p += POSITION_CHUNK) {
      const depth = Math.min(POSITION_CHUNK, positions - p);
      for (let kh = 0; kh < fh; kh++) {
        kernels.gemmT(px + (p + kh * wp) * cin * 4, cin * 4, pdy + p * cout * 4, cout * 4, pout + kh * rows * cout * 4, cout * 4,
          rows, cout, depth, p === 0 ? 0 : 1);
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
