import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { InvalidArgumentError } from '../../errors.js';

/**
 * out[s, ...] = Σ_{i : ids[i] = s} x[i, ...], the gradient of gather (embedding lookups): one pass
 * over x on the wasm heap. Ids outside [0, numSegments) are skipped, as the cpu kernel does.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new InvalidArgumentError(
      'UnsortedSegmentSum (wasm)', 'segmentIds', `rank 1 of length x.shape[0] = ${x.shape[0]}`,
      `shape [${segmentIds.shape.join(', ')}]`,
    );
  }
  const rowSize = util.sizeFromShape(x.shape.slice(1));
  // Allocate first: growing the wasm heap detaches the typed-array views taken before.
  const out = wasm.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  const outValues = wasm.typedArrayFromHeap(out);
  const xValues = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  outValues.fill(0);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) outValues[to + k]! += xValues[from + k]!;
  }
  return out;
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
