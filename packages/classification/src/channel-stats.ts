import { InvalidArgumentError, describe } from '@metricopt/core';
import type { LabelledImages } from '@metricopt/data';

/**
 * Per-channel mean and standard deviation of images scaled by `scale` (default 1/255 for uint8,
 * else 1), over the rows `indices` (default all): the `normalize` a dataset's training part gives.
 *
 * ```ts
 * channelStats(fashion.train);   // { mean: [0.286], std: [0.353] }
 * ```
 */
export function channelStats(set: LabelledImages, indices?: ArrayLike<number>, scale?: number): { mean: number[]; std: number[] } {
  const shape = set?.shape;
  if (!Array.isArray(shape) || shape.length < 3) throw new InvalidArgumentError('channelStats', 'set.shape', '[N, H, W] or [N, H, W, C]', describe(shape));
  const channels = shape.length === 3 ? 1 : shape[3]!;
  const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
  const s = scale ?? (set.images instanceof Uint8Array ? 1 / 255 : 1);
  const rows = indices ?? Int32Array.from({ length: shape[0]! }, (_, i) => i);
  const sum = new Float64Array(channels);
  const sumSq = new Float64Array(channels);
  for (let r = 0; r < rows.length; r++) {
    const start = rows[r]! * rowSize;
    for (let k = 0; k < rowSize; k++) {
      const v = set.images[start + k]! * s;
      sum[k % channels]! += v;
      sumSq[k % channels]! += v * v;
    }
  }
  const count = (rows.length * rowSize) / channels;
  const mean = Array.from(sum, (v) => v / count);
  const std = Array.from(sumSq, (v, c) => Math.sqrt(Math.max(v / count - mean[c]! ** 2, 0)) || 1);
  return { mean, std };
}
